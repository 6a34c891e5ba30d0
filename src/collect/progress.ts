/**
 * Collection progress on standard error: a bar redrawn in place on a terminal, and the plain log
 * lines alone otherwise. This module loads no AWS SDK code.
 */

const BAR_WIDTH = 30;

export interface ProgressOutput {
  /** Writes one log line. */
  log(line: string): void;
  /** Records that `done` of the `planned` calls have finished. */
  update(done: number, planned: number): void;
  /** Clears the bar, if one is drawn. */
  finish(): void;
}

/**
 * The bar on a terminal's last line. The outputs of several Regions share one stream, so each
 * clears whichever Region's bar is shown, and only the Region that updated last shows its bar.
 */
const SHOWN_BARS = new WeakMap<NodeJS.WriteStream, { bar: string }>();

/** Returns the progress output for a stream: a bar when it is a terminal, plain lines otherwise. */
export function progressFor(stream: NodeJS.WriteStream, prefix = ""): ProgressOutput {
  if (!stream.isTTY) {
    return {
      log: (line) => stream.write(`${prefix}${line}\n`),
      update: () => undefined,
      finish: () => undefined,
    };
  }
  const shown = SHOWN_BARS.get(stream) ?? { bar: "" };
  SHOWN_BARS.set(stream, shown);
  let bar = "";
  const clear = () => {
    if (shown.bar) stream.write("\r\x1b[2K");
  };
  return {
    log(line) {
      clear();
      stream.write(`${prefix}${line}\n`);
      if (shown.bar) stream.write(shown.bar);
    },
    update(done, planned) {
      clear();
      bar = formatBar(prefix, done, planned);
      shown.bar = bar;
      stream.write(bar);
    },
    finish() {
      if (bar && shown.bar === bar) {
        clear();
        shown.bar = "";
      }
      bar = "";
    },
  };
}

/** Formats `[#####.....] 12/40 calls`, the filled part in proportion to the finished calls. */
export function formatBar(prefix: string, done: number, planned: number): string {
  const total = Math.max(planned, done, 1);
  const filled = Math.round((done / total) * BAR_WIDTH);
  return `${prefix}[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${done}/${total} calls`;
}

#!/usr/bin/env node
/** Entry point of the `vpc-lint` command. */
import { hideBin } from "yargs/helpers";
import { main } from "./command.js";
import { removeStagedFiles } from "./io.js";
import { applyV8Flags } from "./v8-flags.js";

// An interrupted run leaves no temporary report files behind. The signal is then raised again
// with its default action, since exiting normally would wait for a write blocked on a FIFO.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    removeStagedFiles();
    process.kill(process.pid, signal);
  });
}

// A reader that stops early, such as `head`, closes the pipe. The rest of the report is then
// unwanted, so the run ends with its own exit code instead of an unhandled write error. Standard
// error needs the same, since `2>&1 | head` closes it too.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    stream.destroy();
  });
}

applyV8Flags();
process.exitCode = await main(hideBin(process.argv));

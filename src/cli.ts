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

applyV8Flags();
process.exitCode = await main(hideBin(process.argv));

#!/usr/bin/env node
/** Entry point of the `vpc-lint` command. */
import { hideBin } from "yargs/helpers";
import { main } from "./command.js";

process.exitCode = await main(hideBin(process.argv));

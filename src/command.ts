/** The command line: parse flags, call the shared run function, print, and map to an exit code. */
import yargs, { type Argv } from "yargs";
import { printable } from "./report/escape.js";
import { InputError } from "./errors.js";
import { DEFAULT_CONCURRENCY } from "./collect/limiter.js";
import { progressFor, type ProgressOutput } from "./collect/progress.js";
import { parseRegions, regionFile, vpcsInNoRegion } from "./collect/regions.js";
import { docsPath } from "./engine/docs.js";
import { SEVERITIES, type Severity } from "./engine/types.js";
import { nearestName } from "./config/errors.js";
import { findConfigFile, loadConfig, type Config } from "./config/load.js";
import { serviceNamesOfFlag } from "./config/service-names.js";
import { noteUnresolved, readIacInputs } from "./iac/index.js";
import { checkDistinctOutputs, checkWritable, writeFilesAtomic, type FileWrite } from "./io.js";
import { parseTargets, renderReport, type ReportTarget } from "./report/formats.js";
import { fixedRuleOf, formatExplain } from "./report/explain.js";
import { sarifLimitWarning } from "./report/sarif.js";
import { formatSkipped } from "./report/text.js";
import { explainPath } from "./reach/analysis.js";
import { RULES } from "./rules/index.js";
import {
  applyBaseline,
  exitCodeOf,
  runLint,
  type FailOn,
  type RunResult,
  type SnapshotInput,
} from "./run.js";
import { STDIN_PATH, loadSnapshotScopes } from "./snapshot/loader.js";
import {
  formatBaseline,
  parseBaseline,
  readBaseline,
  staleBaselineWarning,
  staleEntries,
} from "./suppress/baseline.js";
import type { Snapshot } from "./snapshot/types.js";
import { TOOL_VERSION } from "./version.js";
import { joinNames } from "./index/util.js";
import { SnapshotIndex, snapshotRegion } from "./index/snapshot-index.js";

const RULES_FORMATS = ["text", "json"] as const;
type RulesFormat = (typeof RULES_FORMATS)[number];
const FAIL_ON = [...SEVERITIES, "never"] as const;

/** A flag that takes a value: how to pass it, its short alias, and whether it may be repeated. */
interface ValueFlag {
  usage: string;
  alias?: string;
  repeatable?: boolean;
  /** Advice shown in place of the usage when a flag that takes one value is repeated. */
  once?: string;
}

/** Every flag that takes a value, by its long name, with the usage its error messages show. */
const VALUE_FLAGS: Record<string, ValueFlag> = {
  snapshot: {
    usage: "--snapshot FILE|DIR, a snapshot file or a directory of AWS CLI outputs",
    alias: "s",
    repeatable: true,
  },
  vpc: { usage: "--vpc VPC_ID, such as vpc-0a1b2c3d4e5f67890", repeatable: true },
  region: { usage: "--region REGION, such as eu-west-1, or several separated by commas" },
  profile: { usage: "--profile NAME, a profile of the AWS config files" },
  concurrency: { usage: "--concurrency N, a whole number from 1 to 64" },
  format: {
    usage: "--format NAME or NAME=FILE, NAME one of text, json, sarif, markdown or asff",
    alias: "f",
    repeatable: true,
  },
  output: { usage: "--output FILE (or -o FILE), the file to write to", alias: "o" },
  "fail-on": { usage: "--fail-on error, warning, info or never" },
  config: { usage: "--config FILE, a .json or .yaml config file", alias: "c" },
  baseline: { usage: "--baseline FILE, a file written by --write-baseline" },
  "write-baseline": { usage: "--write-baseline FILE, the baseline file to write" },
  "require-service": {
    usage: "--require-service NAME, a service short name such as kms",
    repeatable: true,
  },
  template: { usage: "--template FILE, a CloudFormation template" },
  parameters: { usage: "--parameters FILE, the parameter values for --template" },
  account: { usage: "--account ACCOUNT_ID, 12 digits" },
  "terraform-plan": { usage: "--terraform-plan FILE, the output of terraform show -json PLAN" },
  subnet: {
    usage: "--subnet SUBNET_ID, such as subnet-0a1b2c3d4e5f67890",
    once: "explain follows one subnet, so run it once for each subnet",
  },
  service: { usage: "--service NAME, a service short name such as ssm" },
};

/** The value flags of `vpc-lint rules`, whose --format takes fewer names. */
const RULES_VALUE_FLAGS: Record<string, ValueFlag> = {
  format: { usage: "--format text or --format json", alias: "f" },
};

interface LintArgs {
  snapshot?: string[];
  vpc?: string[];
  allVpcs: boolean;
  region?: string;
  profile?: string;
  /**
   * The flag's text as given, checked by collectionOptions, or undefined when not given, so a
   * run without live collection can tell that it was passed. The collect function parses it.
   */
  concurrency?: string;
  format?: string[];
  output?: string;
  failOn?: FailOn;
  requireComplete: boolean;
  requireService?: string[];
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  includeSuppressed: boolean;
  everyPath: boolean;
  template?: string;
  parameters?: string;
  account?: string;
  terraformPlan?: string;
}

/** Parses the arguments and runs the command; resolves to the process exit code. */
export async function main(rawArgv: string[]): Promise<number> {
  const argv = readDashAsStdin(separateShortValues(rawArgv));
  const switchProblem =
    badSwitchValue(argv) ?? argumentsAfterSeparator(argv) ?? repeatedStandardInput(argv);
  if (switchProblem) return reportError(new InputError(switchProblem));
  let exitCode = 0;
  const valueFlags = argv[0] === "rules" ? RULES_VALUE_FLAGS : VALUE_FLAGS;
  const parser = yargs(argv)
    .scriptName("vpc-lint")
    .usage(
      "$0 [--snapshot FILE|DIR ... | --vpc VPC_ID ... | --template FILE | --terraform-plan FILE] [options]",
    )
    .command(
      "$0",
      "Lint a VPC snapshot file or a live VPC",
      (command) => lintOptions(collectionOptions(command)),
      async (args) => {
        exitCode = await lintCommand(args as unknown as LintArgs);
      },
    )
    .command(
      "collect",
      "Collect a snapshot of live VPCs and write it to a file",
      (command) =>
        collectionOptions(command)
          .option("output", {
            alias: "o",
            type: "string",
            requiresArg: true,
            demandOption: "collect needs -o FILE",
            describe:
              "Snapshot file to write, or - for standard output; with several Regions, one file per Region named FILE with the Region before the extension",
          })
          .check((args) => {
            checkValues(args, ["output"]);
            if (!args.vpc?.length && !args.allVpcs)
              throw new InputError("collect needs --vpc VPC_ID or --all-vpcs");
            return true;
          }),
      async (args) => {
        exitCode = await collectCommand(args as unknown as LintArgs & { output: string });
      },
    )
    .command(
      "rules",
      "List every rule with its default severity and docs page",
      (command) =>
        command
          .option("format", {
            alias: "f",
            choices: RULES_FORMATS,
            default: "text" as RulesFormat,
            requiresArg: true,
          })
          .check((args) => {
            checkValues(args, ["format"], RULES_VALUE_FLAGS);
            return true;
          }),
      (args) => {
        process.stdout.write(formatRules(args.format as RulesFormat));
      },
    )
    .command(
      "explain",
      "Print one subnet's path to one service hop by hop, marking the first broken hop",
      (command) =>
        collectionOptions(command)
          .option("snapshot", {
            alias: "s",
            type: "string",
            array: true,
            requiresArg: true,
            describe: "Snapshot file or directory of AWS CLI outputs (repeatable)",
          })
          .option("subnet", {
            type: "string",
            requiresArg: true,
            demandOption: "explain needs --subnet SUBNET_ID",
            describe: "Subnet whose path to follow",
          })
          .option("service", {
            type: "string",
            requiresArg: true,
            demandOption: "explain needs --service NAME",
            describe: "Service short name, such as ssm or kms",
          })
          .option("config", CONFIG_OPTION)
          .option("require-service", REQUIRE_SERVICE_OPTION)
          .check((args) => {
            checkValues(args, EXPLAIN_VALUE_FLAGS);
            return true;
          }),
      async (args) => {
        exitCode = await explainCommand(
          args as unknown as LintArgs & { subnet: string; service: string },
        );
      },
    )
    .strict()
    .version(TOOL_VERSION)
    .help()
    .alias("help", "h")
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((message, error) => {
      const missing = /^Not enough arguments following: (\S+)$/.exec(message ?? "");
      if (missing?.[1]) throw new InputError(missingValue(missing[1], valueFlags));
      if (error) throw error;
      const choices = invalidChoices(message ?? "", valueFlags);
      if (choices) throw new InputError(choices);
      const unknown = /^Unknown arguments?: (.+)$/.exec(message ?? "");
      if (unknown?.[1]) {
        const command = commandOf(argv);
        const problem = unknownArguments(unknown[1].split(", "), argv, command);
        const help = command === "lint" ? "vpc-lint --help" : `vpc-lint ${command} --help`;
        throw new InputError(`${problem}\nRun ${help} for the flags and their values.`);
      }
      throw new InputError(`${message}\nRun vpc-lint --help for the flags and their values.`);
    });

  try {
    await parser.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

function collectionOptions<T>(command: Argv<T>) {
  return command
    .option("vpc", {
      type: "string",
      array: true,
      requiresArg: true,
      describe:
        "VPC id to collect and lint (repeatable); with several Regions, each is looked up in every one",
    })
    .option("all-vpcs", {
      type: "boolean",
      default: false,
      describe: "Collect and lint every VPC of each Region",
    })
    .option("region", {
      type: "string",
      requiresArg: true,
      describe:
        "AWS Region, or several separated by commas, each collected in parallel; defaults to AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region",
    })
    .option("profile", {
      type: "string",
      requiresArg: true,
      describe: "Named profile from the AWS config files",
    })
    .option("concurrency", {
      // A string, so that an invalid value can be quoted back as given.
      type: "string",
      defaultDescription: String(DEFAULT_CONCURRENCY),
      requiresArg: true,
      describe: "Maximum AWS API calls in flight at once in each Region, from 1 to 64",
    })
    .check((args) => {
      checkValues(args, COLLECTION_VALUE_FLAGS);
      const value = String(args.concurrency ?? DEFAULT_CONCURRENCY);
      const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(count >= 1 && count <= 64)) {
        throw new InputError(
          `--concurrency ${JSON.stringify(value)} is not a whole number from 1 to 64; ` +
            "pass --concurrency N with N from 1 to 64",
        );
      }
      if (args.allVpcs && (args.vpc as string[] | undefined)?.length) {
        throw new InputError(
          "--vpc and --all-vpcs cannot be combined: name the VPCs or collect them all",
        );
      }
      parseRegions([args.region as string | undefined]);
      for (const id of (args.vpc as string[] | undefined) ?? []) {
        // VPC ids have 8 or 17 hexadecimal digits, the pattern the Lambda event schema checks too.
        if (!/^vpc-[0-9a-f]{8,17}$/.test(id)) {
          throw new InputError(
            `--vpc ${id} is not a VPC id; VPC ids look like vpc-0a1b2c3d4e5f67890`,
          );
        }
      }
      return true;
    });
}

/** The options lint and explain share, so that both read the same settings. */
const CONFIG_OPTION = {
  requiresArg: true,
  alias: "c",
  type: "string",
  describe: "Config file; defaults to VPC_LINT_CONFIG, then .vpc-lint.json or .vpc-lint.yaml here",
} as const;

const REQUIRE_SERVICE_OPTION = {
  requiresArg: true,
  type: "string",
  array: true,
  describe: "Extra service every workload subnet must reach, such as kms (repeatable)",
} as const;

function lintOptions<T>(command: Argv<T>) {
  return command
    .option("snapshot", {
      requiresArg: true,
      alias: "s",
      type: "string",
      array: true,
      describe: "Snapshot file or directory of AWS CLI outputs (repeatable)",
    })
    .option("format", {
      requiresArg: true,
      alias: "f",
      type: "string",
      array: true,
      describe:
        "Report format text, json, sarif, markdown or asff, optionally =FILE (repeatable; default text)",
    })
    .option("output", {
      requiresArg: true,
      alias: "o",
      type: "string",
      describe: "Write the report to this file instead of standard output; needs a single format",
    })
    .option("fail-on", {
      requiresArg: true,
      choices: FAIL_ON,
      describe:
        "Lowest severity that makes the exit code 1 (default warning, or failOn in the config file)",
    })
    .option("config", CONFIG_OPTION)
    .option("baseline", {
      requiresArg: true,
      type: "string",
      describe: "Baseline file: findings in it do not fail the run",
    })
    .option("write-baseline", {
      requiresArg: true,
      type: "string",
      describe: "Write every current finding to this baseline file; they then do not fail the run",
    })
    .option("include-suppressed", {
      type: "boolean",
      default: false,
      describe: "Keep suppressed findings in SARIF, marked as suppressed",
    })
    .option("require-complete", {
      type: "boolean",
      default: false,
      describe: "Exit 1 when any check was skipped for missing data",
    })
    .option("every-path", {
      type: "boolean",
      default: false,
      describe: "In the JSON report, list every path with all its hops, optional services included",
    })
    .option("require-service", REQUIRE_SERVICE_OPTION)
    .option("template", {
      requiresArg: true,
      type: "string",
      describe: "CloudFormation template, YAML or JSON, to lint before deployment",
    })
    .option("parameters", {
      requiresArg: true,
      type: "string",
      describe:
        "Parameter values for --template: the AWS CLI's JSON list or an object of names and values",
    })
    .option("account", {
      requiresArg: true,
      type: "string",
      describe: "Account id that AWS::AccountId resolves to in --template",
    })
    .option("terraform-plan", {
      requiresArg: true,
      type: "string",
      describe: "Output of terraform show -json PLAN to lint before apply",
    })
    .check((args) => {
      checkValues(args, LINT_VALUE_FLAGS);
      checkInputKinds(args);
      return true;
    });
}

/**
 * Rejects an empty value, such as `--region ""`, and a repeat of a flag that takes one value, which
 * yargs would otherwise turn into a list.
 */
function checkValues(
  args: Record<string, unknown>,
  names: readonly string[],
  flags: Record<string, ValueFlag> = VALUE_FLAGS,
): void {
  for (const name of names) {
    const flag = flags[name];
    const value = args[name];
    if (value === undefined || !flag) continue;
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!flag.repeatable && values.length > 1) {
      throw new InputError(
        `--${name} was given ${values.length} times (${values.join(", ")}) but takes one value; ` +
          (flag.once ?? `pass it once, as in ${flag.usage}`),
      );
    }
    if (values.some((one) => typeof one === "string" && one.trim() === "")) {
      throw new InputError(`--${name} was given an empty value; pass ${flag.usage}`);
    }
  }
}

/** The short aliases. Every one belongs to a flag that takes a value. */
const SHORT_VALUE_FLAGS = new Set(Object.values(VALUE_FLAGS).map((flag) => flag.alias));

/**
 * Splits a short flag from a value written against it, `-sFILE` or `-s=FILE`, into two arguments,
 * as getopt does. yargs would read `-sFILE` as a group of one-letter flags and name the wrong one.
 */
function separateShortValues(argv: readonly string[]): string[] {
  const separated: string[] = [];
  for (const [position, token] of argv.entries()) {
    if (token === "--") return [...separated, ...argv.slice(position)];
    const match = /^-([a-zA-Z])(=?)(.+)?$/s.exec(token);
    if (match && SHORT_VALUE_FLAGS.has(match[1]) && (match[2] || match[3])) {
      separated.push(`-${match[1]}`, match[3] ?? "");
    } else separated.push(token);
  }
  return separated;
}

/**
 * Reads `--snapshot -` (and `-s -`, `--snapshot=-`) as standard input, as `-o -` names standard
 * output. yargs would take a lone `-` for a missing value.
 */
function readDashAsStdin(argv: readonly string[]): string[] {
  const read: string[] = [];
  for (const [position, token] of argv.entries()) {
    if (token === "--") return [...read, ...argv.slice(position)];
    const previous = read.at(-1);
    if (token === "-" && (previous === "-s" || previous === "--snapshot")) read.push(STDIN_PATH);
    else if (token === "--snapshot=-") read.push("--snapshot", STDIN_PATH);
    else read.push(token);
  }
  return read;
}

/** Returns the message for standard input given to --snapshot more than once, if so. */
function repeatedStandardInput(argv: readonly string[]): string | undefined {
  const reads = argv.filter(
    (token, position) =>
      token === STDIN_PATH && (argv[position - 1] === "-s" || argv[position - 1] === "--snapshot"),
  );
  if (reads.length < 2) return undefined;
  return (
    `--snapshot - was given ${reads.length} times, but standard input can be read only once; ` +
    "pass it once"
  );
}

/** Flags that are on or off; written with `=`, they take only true or false. */
const SWITCHES = ["all-vpcs", "include-suppressed", "require-complete", "every-path"];

/** Returns the message for a switch given a value other than true or false, if any. */
function badSwitchValue(argv: readonly string[]): string | undefined {
  for (const token of argv) {
    if (token === "--") break;
    const match = /^--(?:no-)?([a-z-]+)=(.*)$/s.exec(token);
    if (!match || !SWITCHES.includes(match[1] as string)) continue;
    if (match[2] === "true" || match[2] === "false") continue;
    return (
      `--${match[1]} was given the value "${match[2]}"; it is on or off, so pass ` +
      `--${match[1]} alone, or --${match[1]}=true or --${match[1]}=false`
    );
  }
  return undefined;
}

/** Returns the message for arguments after `--`, which no command reads, if there are any. */
function argumentsAfterSeparator(argv: readonly string[]): string | undefined {
  const separator = argv.indexOf("--");
  if (separator < 0 || separator === argv.length - 1) return undefined;
  return (
    `arguments after -- (${argv.slice(separator + 1).join(" ")}) are not read; pass snapshot ` +
    "files with --snapshot and options before --"
  );
}

/** Returns the message for a flag without a value, where `name` is the flag or its alias. */
function missingValue(name: string, flags: Record<string, ValueFlag>): string {
  const entry = Object.entries(flags).find(([long, flag]) => long === name || flag.alias === name);
  if (!entry) return `-${name.length > 1 ? "-" : ""}${name} needs a value`;
  const [long, flag] = entry;
  const typed = name === long ? `--${long}` : `-${name}`;
  return `${typed} needs a value; pass ${flag.usage}`;
}

/**
 * Rewords yargs' `Invalid values:` message, one `Argument: NAME, Given: VALUE, Choices: ...` line
 * per flag, as one line per flag with its value and usage. Returns undefined for other messages.
 */
function invalidChoices(message: string, flags: Record<string, ValueFlag>): string | undefined {
  if (!message.startsWith("Invalid values:")) return undefined;
  const lines = [...message.matchAll(/Argument: (\S+), Given: (.*), Choices: (.*)/g)].map(
    ([, name = "", given = "", allowed = ""]) => {
      const usage = flags[name]?.usage ?? `--${name} with one of ${allowed}`;
      return `--${name} ${given} is not an allowed value; pass ${usage}`;
    },
  );
  return lines.length > 0 ? lines.join("\n") : undefined;
}

const COMMANDS = ["collect", "rules", "explain"];
type CommandName = "lint" | "collect" | "rules" | "explain";

/** The value flags each command checks, beside its switches. */
const COLLECTION_VALUE_FLAGS = ["vpc", "region", "profile", "concurrency"];
const LINT_VALUE_FLAGS = [
  "snapshot",
  "format",
  "output",
  "fail-on",
  "config",
  "baseline",
  "write-baseline",
  "require-service",
  "template",
  "parameters",
  "account",
  "terraform-plan",
];
const EXPLAIN_VALUE_FLAGS = ["snapshot", "subnet", "service", "config", "require-service"];
const COLLECTION_FLAGS = [...COLLECTION_VALUE_FLAGS, "all-vpcs"];

/**
 * The long flags of each command, so that a flag of another command is named as such and not
 * treated as a typo. Keep these lists in step with the options each command declares.
 */
const COMMAND_FLAGS: Record<CommandName, readonly string[]> = {
  lint: [
    ...COLLECTION_FLAGS,
    ...LINT_VALUE_FLAGS,
    "include-suppressed",
    "require-complete",
    "every-path",
  ],
  collect: [...COLLECTION_FLAGS, "output"],
  rules: ["format"],
  explain: [...COLLECTION_FLAGS, ...EXPLAIN_VALUE_FLAGS],
};

const COMMAND_LABELS: Record<CommandName, string> = {
  lint: "vpc-lint (lint)",
  collect: "vpc-lint collect",
  rules: "vpc-lint rules",
  explain: "vpc-lint explain",
};

/** Returns the command the arguments run; without a command word it is the lint. */
function commandOf(argv: readonly string[]): CommandName {
  const first = argv[0] ?? "";
  return COMMANDS.includes(first) ? (first as CommandName) : "lint";
}

/** Returns the message for a flag that another command has, or undefined when none has it. */
function foreignFlag(typed: string, name: string, command: CommandName): string | undefined {
  if (COMMAND_FLAGS[command].includes(name)) return undefined;
  const owners = (Object.keys(COMMAND_FLAGS) as CommandName[]).filter((other) =>
    COMMAND_FLAGS[other].includes(name),
  );
  if (owners.length === 0) return undefined;
  const labels = owners.map((owner) => COMMAND_LABELS[owner]);
  return `${typed} is a flag of ${joinNames(labels)}, not of ${command}`;
}

/**
 * Names each unknown argument once, as typed, with the nearest flag of the command or the nearest
 * command when one is close enough to be a typo. A flag of another command is named as such.
 * yargs lists a flag under both its typed and its camel-case name, and `--no-NAME` under NAME, so
 * the names it reports are matched back to the typed arguments.
 */
function unknownArguments(
  reported: readonly string[],
  argv: readonly string[],
  command: CommandName,
): string {
  const names = new Set(reported);
  const candidates = [...COMMAND_FLAGS[command], "help", "version"];
  const typed = new Map<string, string | undefined>();
  const foreign = new Map<string, string>();
  for (const token of argv) {
    if (token === "--") break;
    const long = /^--((?:no-)?([^=]+))/.exec(token);
    const short = /^-([^-].*)$/.exec(token);
    if (long?.[1] && long[2] && (names.has(long[1]) || names.has(long[2]))) {
      const flag = `--${long[1]}`;
      const elsewhere = foreignFlag(flag, long[2], command);
      if (elsewhere) foreign.set(flag, elsewhere);
      else typed.set(flag, withDashes(nearestName(long[2], candidates), long[2]));
    } else if (short?.[1] && !long) {
      for (const letter of short[1].split("=")[0] ?? "") {
        if (names.has(letter)) typed.set(`-${letter}`, undefined);
      }
    } else if (!token.startsWith("-") && names.has(token)) {
      typed.set(token, nearestName(token, COMMANDS));
    }
  }
  const described = [...typed].map(([name, nearest]) =>
    nearest ? `${name} (did you mean ${nearest}?)` : name,
  );
  if (described.length === 0 && foreign.size === 0) {
    return `unknown arguments: ${reported.join(", ")}`;
  }
  const kind = [...typed.keys()].every((name) => name.startsWith("-")) ? "flag" : "argument";
  const noun = described.length === 1 ? kind : `${kind}s`;
  const unknown = described.length > 0 ? [`unknown ${noun} ${described.join(", ")}`] : [];
  return [...unknown, ...foreign.values()].join("\n");
}

/** Returns the suggested flag with its dashes, or undefined when it is the flag as typed. */
function withDashes(flag: string | undefined, typed: string): string | undefined {
  return flag === undefined || flag === typed ? undefined : `--${flag}`;
}

/** Returns the flags of the kinds of input a run names, such as `--snapshot` and `--vpc`. */
function inputKindsOf(args: Record<string, unknown>): string[] {
  const files = (args.snapshot as string[] | undefined) ?? [];
  const vpcs = (args.vpc as string[] | undefined) ?? [];
  return [
    files.length > 0 ? "--snapshot" : "",
    vpcs.length > 0 ? "--vpc" : "",
    args.allVpcs ? "--all-vpcs" : "",
    args.template ? "--template" : "",
    args.terraformPlan ? "--terraform-plan" : "",
  ].filter(Boolean);
}

/** Rejects a run with no input or with more than one kind of input. */
function checkInputKinds(args: Record<string, unknown>): void {
  const kinds = inputKindsOf(args);
  if (kinds.length === 0) {
    throw new InputError(
      "nothing to lint: pass --snapshot FILE to lint a file, --vpc VPC_ID or --all-vpcs to lint live VPCs, " +
        "--template FILE to lint a CloudFormation template or --terraform-plan FILE to lint a Terraform plan",
    );
  }
  rejectMixedInputs(kinds, "lint one kind of input per run");
  rejectCollectionFlags(args, kinds);
  for (const flag of ["parameters", "account"]) {
    if (args[flag] && !args.template)
      throw new InputError(`--${flag} applies only to --template; pass a template too`);
  }
  const [input] = kinds;
  if (input === "--template" || input === "--terraform-plan") {
    const regions = parseRegions([args.region as string | undefined]);
    if (regions.length > 1) {
      throw new InputError(
        `--region ${regions.join(",")} names several Regions, but ${input} is linted in one; ` +
          "pass the Region it deploys to, or run once per Region",
      );
    }
  }
  if (typeof args.account === "string" && !/^\d{12}$/.test(args.account)) {
    throw new InputError(
      `--account ${args.account} is not an account id; account ids are 12 digits`,
    );
  }
}

/**
 * Rejects the flags that only a live collection reads when the input is a file, a template or a
 * plan, since they would do nothing. `--region` stays accepted: CI passes it with any input.
 */
function rejectCollectionFlags(args: Record<string, unknown>, kinds: readonly string[]): void {
  const [input] = kinds;
  if (!input || input === "--vpc" || input === "--all-vpcs") return;
  for (const flag of ["profile", "concurrency"]) {
    if (args[flag] === undefined) continue;
    throw new InputError(
      `--${flag} applies only to live collection with --vpc or --all-vpcs; leave it out with ${input}`,
    );
  }
}

/** Rejects more than one kind of input, with a message that ends in `advice`. */
function rejectMixedInputs(kinds: readonly string[], advice: string): void {
  if (kinds.length > 1)
    throw new InputError(`${kinds.join(" and ")} cannot be combined: ${advice}`);
}

async function lintCommand(args: LintArgs): Promise<number> {
  const targets = parseTargets(args.format ?? [], args.output);
  if (args.everyPath && !targets.some((target) => target.format === "json")) {
    throw new InputError("--every-path applies only to the JSON report; add --format json");
  }
  if (args.includeSuppressed && !targets.some((target) => target.format === "sarif")) {
    throw new InputError(
      "--include-suppressed applies only to the SARIF report; add --format sarif=FILE",
    );
  }
  if (args.writeBaseline === "-") {
    throw new InputError(
      "--write-baseline - would write a file named -; name the baseline file that later runs " +
        "read with --baseline, such as --write-baseline .vpc-lint-baseline.json",
    );
  }
  const configFile = findConfigFile(args.config, process.env, process.cwd());
  const config = configFile ? await loadConfig(configFile) : undefined;
  const baseline = args.baseline ? await readBaseline(args.baseline) : undefined;
  // A live collection can take minutes, so a path that cannot be written fails before it starts.
  await checkWritable([
    ...targets.flatMap((target) => (target.path ? [target.path] : [])),
    ...(args.writeBaseline ? [args.writeBaseline] : []),
  ]);
  const inputs = await lintInputs(args);
  const reportPaths = targets.flatMap((target) => {
    if (!target.path) return [];
    // parseTargets gives the single format the -o path, so the label names -o as typed.
    const fromOutput = args.output !== undefined && target.path === args.output;
    const label = fromOutput ? `-o ${target.path}` : `--format ${target.format}=${target.path}`;
    return [{ label, path: target.path }];
  });
  await checkDistinctOutputs(
    [
      ...reportPaths,
      ...(args.writeBaseline
        ? [{ label: `--write-baseline ${args.writeBaseline}`, path: args.writeBaseline }]
        : []),
    ],
    [
      ...inputs.flatMap((input) => input.files ?? []),
      // The parameters file is read with the template but is not one of its files.
      ...(args.parameters ? [args.parameters] : []),
      ...(configFile ? [configFile] : []),
    ],
  );
  // --write-baseline may replace the --baseline it read, but a report may not.
  if (args.baseline) await checkDistinctOutputs(reportPaths, [args.baseline]);

  const result = runLint(inputs, {
    settings: settingsOf(args, config),
    everyPath: args.everyPath,
    ...(config && { severities: config.severities, suppressions: config.suppressions }),
    ...(baseline && { baseline: baseline.fingerprints }),
  });
  noteUnresolved(result, inputs);
  // A baseline written now drops the entries of fixed findings anyway.
  if (baseline && args.baseline && !args.writeBaseline) {
    const stale = staleBaselineWarning(args.baseline, staleEntries(baseline, result));
    if (stale) result.warnings.push(stale);
  }
  const baselineFile = args.writeBaseline ? baselineOf(args.writeBaseline, result) : undefined;
  const printed = targets.flatMap((target) =>
    target.path ? [] : [renderTarget(result, target, args)],
  );
  // Each report to a file is rendered when its write is staged, so several large reports are
  // not all held in memory at once.
  await writeFilesAtomic([
    ...(baselineFile ? [baselineFile.write] : []),
    ...targets.flatMap((target) =>
      target.path ? [{ path: target.path, content: () => renderTarget(result, target, args) }] : [],
    ),
  ]);
  if (baselineFile) process.stderr.write(baselineFile.note);
  const warnings = [...result.warnings];
  if (targets.some((target) => target.format === "sarif")) {
    const limit = sarifLimitWarning(result, { includeSuppressed: args.includeSuppressed });
    if (limit) warnings.push(limit);
  }
  for (const warning of warnings) process.stderr.write(`warning: ${printable(warning)}\n`);
  for (const content of printed) process.stdout.write(content);
  // The text report leaves them to standard error, and ASFF has no place for them.
  if (targets.some((target) => target.format === "text" || target.format === "asff")) {
    process.stderr.write(formatSkipped(result.skipped, result.source));
  }
  return exitCodeOf(result, args.failOn ?? config?.failOn ?? "warning", args.requireComplete);
}

/** Merges the config file's settings with the flags; `--require-service` adds to the file's list. */
function settingsOf(args: LintArgs, config: Config | undefined) {
  const services = [
    ...(config?.requiredServices ?? []),
    ...serviceNamesOfFlag("--require-service", args.requireService ?? []),
  ];
  if (!config) return { requiredServices: [...new Set(services)] };
  return {
    requiredServices: [...new Set(services)],
    requiredServicesByVpc: config.requiredServicesByVpc,
    requiredServicesBySubnetTag: config.requiredServicesBySubnetTag,
    privateOnlyVpcs: config.privateOnlyVpcs,
    ruleOptions: config.ruleOptions,
  };
}

/**
 * Returns the baseline file of the run, to be written with the reports, and treats the run as
 * checked against it.
 */
function baselineOf(path: string, result: RunResult): { write: FileWrite; note: string } {
  const text = formatBaseline(result.findings);
  const { fingerprints } = parseBaseline(path, text);
  applyBaseline(result, fingerprints);
  return {
    write: { path, content: text },
    note: `wrote ${path} (${fingerprints.size} findings)\n`,
  };
}

/** Reads the one kind of input the flags name: snapshot files, a template, a plan or live VPCs. */
async function lintInputs(args: LintArgs): Promise<SnapshotInput[]> {
  if (args.snapshot?.length) return readSnapshotInputs(args.snapshot, args.region);
  if (args.template || args.terraformPlan) {
    const warn = (line: string) => process.stderr.write(`warning: ${printable(line)}\n`);
    return readIacInputs(
      {
        ...(args.template && { template: args.template }),
        ...(args.parameters && { parameters: args.parameters }),
        ...(args.terraformPlan && { terraformPlan: args.terraformPlan }),
        ...(args.region && { region: args.region }),
        ...(args.account && { accountId: args.account }),
      },
      warn,
    );
  }
  return collectInputs(args);
}

/**
 * Returns the input whose snapshot has the subnet. Among the snapshots of several accounts or
 * Regions, `--region` picks those of its Regions. Without a single match the run exits 2, naming
 * the snapshots that have the subnet.
 */
function inputOfSubnet(
  inputs: readonly SnapshotInput[],
  subnetId: string,
  regionFlag: string | undefined,
): SnapshotInput | undefined {
  const found = inputs.filter((input) =>
    input.snapshot.Subnets?.some((subnet) => subnet.SubnetId === subnetId),
  );
  const scopesOf = (list: readonly SnapshotInput[]) =>
    list
      .map((input) => {
        const { AccountId: account, Region: region } = input.snapshot.Source ?? {};
        return [account, region].filter(Boolean).join(" ");
      })
      .join(" and ");
  let picked = found;
  if (regionFlag && inputs.length > 1) {
    const regions = parseRegions([regionFlag]);
    picked = found.filter((input) => regions.includes(snapshotRegion(input.snapshot) ?? ""));
    if (picked.length === 0 && found.length > 0) {
      throw new InputError(
        `subnet ${subnetId} is not in the snapshots of --region ${regions.join(",")}, but in ` +
          `those of ${scopesOf(found)}; pass one of their Regions`,
      );
    }
  }
  if (picked.length <= 1) return picked[0];
  throw new InputError(
    `subnet ${subnetId} is in the snapshots of ${scopesOf(picked)}; pass --region with one ` +
      "of them, or name only that snapshot's files",
  );
}

/**
 * Returns the warning for a --region that names none of the snapshots' Regions. The flag applies
 * only to collection, so such a run lints the snapshot's Region, which its findings name.
 */
function regionMismatch(flag: string, inputs: readonly SnapshotInput[]): string | undefined {
  const named = parseRegions([flag]);
  const found = [...new Set(inputs.flatMap((input) => snapshotRegion(input.snapshot) ?? []))];
  if (found.length === 0 || found.some((region) => named.includes(region))) return undefined;
  return (
    `--region ${flag} does not apply to --snapshot, and the snapshot was collected in ` +
    `${found.join(", ")}, the Region its findings name; leave out --region, or lint a snapshot ` +
    `collected in ${named.join(" or ")}`
  );
}

/** Reads `--snapshot` files and warns when `--region` names none of their Regions. */
async function readSnapshotInputs(
  paths: string[],
  region: string | undefined,
): Promise<SnapshotInput[]> {
  const inputs = await readInputs(paths);
  const warning = region ? regionMismatch(region, inputs) : undefined;
  // Each input's warnings join the run's, so the one warning goes with the first input.
  return warning
    ? inputs.map((input, position) =>
        position === 0 ? { ...input, warnings: [...(input.warnings ?? []), warning] } : input,
      )
    : inputs;
}

/**
 * Reads snapshot files into one input per account and Region. Their load warnings travel with
 * the inputs into the run's warnings.
 */
async function readInputs(paths: string[]): Promise<SnapshotInput[]> {
  const scopes = await loadSnapshotScopes(paths);
  return scopes.map((loaded) => ({
    snapshot: loaded.snapshot,
    files: loaded.files,
    locations: loaded.locations,
    warnings: loaded.warnings,
  }));
}

async function collectInputs(args: LintArgs): Promise<SnapshotInput[]> {
  const collected = await collect(args);
  return collected.map(({ snapshot }) => ({ snapshot }));
}

/** The snapshot of one Region; `region` is unset when the SDK's default Region applies. */
interface RegionSnapshot {
  region?: string;
  snapshot: Snapshot;
}

/**
 * Collects one snapshot per Region, all Regions in parallel, each with its own concurrency limit.
 * With several Regions every progress line starts with its Region. VPCs named with --vpc across
 * several Regions are looked up in each, and only the Regions that contain some are returned.
 */
async function collect(args: LintArgs): Promise<RegionSnapshot[]> {
  // The AWS SDK loads only here, so linting a file starts without it.
  const { collectSnapshot } = await import("./collect/collector.js");
  const regions = parseRegions([args.region]);
  const targets = regions.length > 0 ? regions : [undefined];
  const vpcIds = args.vpc ?? [];
  const locate = vpcIds.length > 0 && targets.length > 1;
  // The first Region that fails stops the others, whose output would follow its error message.
  const stop = new AbortController();
  const running = () => !stop.signal.aborted;
  const outputs = targets.map((region) =>
    progressFor(process.stderr, targets.length > 1 ? `[${region}] ` : ""),
  );
  const snapshots = await Promise.all(
    targets.map((region, position) => {
      const output = outputs[position] as ProgressOutput;
      return collectSnapshot({
        vpcIds,
        allVpcs: args.allVpcs,
        ...(locate && { locate }),
        ...(region && { region }),
        ...(args.profile && { profile: args.profile }),
        concurrency: Number(args.concurrency ?? DEFAULT_CONCURRENCY),
        log: (line) => running() && output.log(line),
        progress: (done, planned) => running() && output.update(done, planned),
        signal: stop.signal,
      })
        .catch((error: unknown) => {
          stop.abort();
          // Every bar shares the last line of the terminal, so each clears it before the error.
          for (const other of outputs) other.finish();
          throw error;
        })
        .finally(() => output.finish());
    }),
  );
  const collected = snapshots.map((snapshot, position) => {
    const region = targets[position];
    return region ? { region, snapshot } : { snapshot };
  });
  if (!locate) return collected;
  const missing = vpcsInNoRegion(
    vpcIds,
    snapshots.map((snapshot) => snapshot.Source?.VpcIds ?? []),
  );
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "VPC" : "VPCs";
    throw new InputError(
      `${noun} ${missing.join(", ")} not found in ${regions.join(", ")}: check the id, the ` +
        "Regions in --region and the account the credentials belong to",
    );
  }
  return collected.filter(({ snapshot }) => (snapshot.Source?.VpcIds ?? []).length > 0);
}

/**
 * Writes the snapshot, or with several Regions one file per Region, all of them or none. `-o -`
 * writes the one snapshot of a single Region to standard output.
 */
async function collectCommand(args: LintArgs & { output: string }): Promise<number> {
  const regions = parseRegions([args.region]);
  const toStdout = args.output === "-";
  if (toStdout && regions.length > 1) {
    throw new InputError(
      `collect -o - writes one snapshot to standard output, but --region names ${regions.length} ` +
        "Regions; give -o a file name, and each Region gets a file of its own",
    );
  }
  const pathOf = (region: string | undefined): string =>
    regions.length > 1 && region ? regionFile(args.output, region) : args.output;
  // A collection can take minutes, so a path that cannot be written fails before it starts.
  if (!toStdout) await checkWritable(regions.length > 1 ? regions.map(pathOf) : [args.output]);
  const collected = await collect(args);
  const writes = collected.map(({ region, snapshot }) => ({
    path: pathOf(region),
    content: `${JSON.stringify(snapshot, null, 2)}\n`,
    failures: snapshot.Errors?.length ?? 0,
  }));
  if (toStdout) process.stdout.write(writes[0]?.content ?? "");
  else await writeFilesAtomic(writes.map(({ path, content }) => ({ path, content })));
  for (const { path, failures } of writes) {
    const written = toStdout ? "standard output" : path;
    process.stderr.write(`wrote ${written}${failedCallsNote(failures)}\n`);
  }
  return 0;
}

/** Returns ` (N calls failed; see Errors)` for a snapshot with failed calls, else nothing. */
function failedCallsNote(failures: number): string {
  if (failures === 0) return "";
  return ` (${failures} ${failures === 1 ? "call" : "calls"} failed; see Errors)`;
}

/** Renders one report, in colour only for a text report to a terminal. */
function renderTarget(result: RunResult, target: ReportTarget, args: LintArgs): string {
  const color = target.format === "text" && !target.path && isColorTerminal();
  return renderReport(target.format, result, {
    color,
    includeSuppressed: args.includeSuppressed,
    everyPath: args.everyPath,
  });
}

/**
 * Tells whether a text report to the stream may use colour: on a terminal, unless NO_COLOR is set
 * to a value other than the empty string (https://no-color.org).
 */
export function isColorTerminal(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

function formatRules(format: RulesFormat): string {
  const rows = RULES.map((rule) => ({
    id: rule.id,
    severity: rule.severity as Severity,
    title: rule.title,
    docs: docsPath(rule.id),
  }));
  if (format === "json") return `${JSON.stringify(rows, null, 2)}\n`;
  const width = Math.max(...rows.map((row) => row.id.length));
  return rows
    .map(
      (row) =>
        `${row.id.padEnd(width)}  ${row.severity.padEnd(7)}  ${row.title}\n${" ".repeat(width + 11)}${row.docs}\n`,
    )
    .join("");
}

function reportError(error: unknown): number {
  if (error instanceof InputError) {
    // The message may quote snapshot values or arguments, so it prints with controls escaped.
    const lines = error.message.split("\n").map(printable).join("\n");
    process.stderr.write(`vpc-lint: ${lines}\n`);
    return 2;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`vpc-lint: internal error, please report it: ${message}\n`);
  return 2;
}

/**
 * Traces one subnet's path to one service and prints it; exits 1 unless the service is reachable.
 * It reads the config file as the lint does, for the same settings and rule levels.
 */
async function explainCommand(
  args: LintArgs & { subnet: string; service: string },
): Promise<number> {
  const kinds = inputKindsOf(args as unknown as Record<string, unknown>);
  if (kinds.length === 0) {
    throw new InputError(
      "nothing to explain: pass --snapshot FILE to read a file, or --vpc VPC_ID or --all-vpcs " +
        "to collect live VPCs",
    );
  }
  rejectMixedInputs(kinds, "explain reads one kind of input per run");
  rejectCollectionFlags(args as unknown as Record<string, unknown>, kinds);
  const configFile = findConfigFile(args.config, process.env, process.cwd());
  const config = configFile ? await loadConfig(configFile) : undefined;
  const inputs = args.snapshot?.length
    ? await readSnapshotInputs(args.snapshot, args.region)
    : await collectInputs(args);
  for (const warning of inputs.flatMap((input) => input.warnings ?? [])) {
    process.stderr.write(`warning: ${printable(warning)}\n`);
  }
  const snapshot = inputOfSubnet(inputs, args.subnet, args.region);
  if (!snapshot) throw new InputError(subnetNotFound(args.subnet, inputs, args.vpc ?? []));
  const settings = settingsOf(args, config);
  const [service, ...others] = serviceNamesOfFlag("--service", [args.service]);
  if (service === undefined || others.length > 0) {
    throw new InputError(
      `--service ${JSON.stringify(args.service)}: name one service, such as ssm`,
    );
  }
  const severities = config?.severities;
  const { path, untraced, notRequired } = explainPath(
    snapshot.snapshot,
    settings,
    args.subnet,
    service,
  );
  if (!path) {
    const line = `${args.subnet} -> ${service}: not traced, because ${untraced}.`;
    process.stdout.write(`${printable(line)}\n`);
    return 0;
  }
  // The view prints one fix, that of the first broken hop, so only that hop's rule runs. It runs
  // with the service required even when the config turns the rule off, so that such a hop, or a
  // path a lint does not trace, still shows its fix.
  const rule = RULES.find((candidate) => candidate.id === fixedRuleOf(path));
  const requiredServices = [...new Set([...settings.requiredServices, service])];
  const findings = rule
    ? runLint([snapshot], { rules: [rule], settings: { ...settings, requiredServices } }).findings
    : [];
  process.stdout.write(formatExplain(path, findings, untraced, severities, notRequired));
  return path.verdict === "reachable" || path.verdict === "depends-on-hub" ? 0 : 1;
}

/**
 * Returns the error for a --subnet that no input contains. When an input lacks Subnets, the
 * message names the missing section or failed call, since the subnet id may be right. A live run
 * collects only the VPCs of --vpc, so the subnet may be in another one, which it then names.
 */
function subnetNotFound(
  subnetId: string,
  inputs: readonly SnapshotInput[],
  vpcIds: readonly string[],
): string {
  for (const input of inputs) {
    const index = new SnapshotIndex(input.snapshot);
    if (index.has("Subnets")) continue;
    return (
      `--subnet ${subnetId} is not in the snapshot because ${index.absent("Subnets")}; ` +
      "collect the snapshot again with ec2:DescribeSubnets allowed"
    );
  }
  if (vpcIds.length > 0) {
    const named = vpcIds.length === 1 ? "the VPC that --vpc names" : "the VPCs that --vpc names";
    return (
      `--subnet ${subnetId} is not in ${joinNames(vpcIds)}, ${named}; pass the subnet's ` +
      "VPC with --vpc, or check the subnet id"
    );
  }
  return `--subnet ${subnetId} is not in the snapshot; check the subnet id`;
}

/**
 * Checks a required service name, from a flag or the config file, against the short-name form that
 * ends an endpoint service name, such as `kms` in `com.amazonaws.us-east-1.kms`.
 */
import { InputError } from "../errors.js";
import { shortServiceName } from "../index/snapshot-index.js";
import { SERVICE_NAME } from "../reach/catalog.js";

/** The reason a value is not a short service name, and the advice on what to write instead. */
export interface ServiceNameProblem {
  /** The kind of value found, completing "VALUE is …", such as "an endpoint service name". */
  kind: string;
  /** The fix, such as "use its short name kms". */
  advice: string;
}

const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d+";

/** The end of a public AWS hostname: an optional Region, then `amazonaws.com` or `api.aws`. */
const PUBLIC_DOMAIN = `(?:${REGION}\\.)?(?:amazonaws\\.com(?:\\.cn)?|api\\.aws)$`;

/** A public AWS hostname, such as `kms.us-east-1.amazonaws.com` or `sts.amazonaws.com`. */
const HOSTNAME = new RegExp(`^(?:.+\\.)?${PUBLIC_DOMAIN}`);

/** A hostname whose service part is one label, which is then its short name. */
const ONE_LABEL_HOSTNAME = new RegExp(`^([a-z0-9-]+)\\.${PUBLIC_DOMAIN}`);

const SHORT_NAME_ADVICE =
  "use the short name that ends the endpoint service name, such as ssm, kms or ecr.api";

/**
 * Returns why a lower-case name is not a short service name, or undefined when it is one.
 * NOTE: a misspelt name such as `kmss` passes, because vpc-lint has no complete list of AWS
 * services. The table in src/reach/catalog.ts covers only the few whose IPv6 support it records.
 */
export function serviceNameProblem(name: string): ServiceNameProblem | undefined {
  if (name.startsWith("com.amazonaws.")) {
    const short = shortServiceName(name);
    const advice = short === name ? SHORT_NAME_ADVICE : `use its short name ${short}`;
    return { kind: "an endpoint service name", advice };
  }
  if (HOSTNAME.test(name)) {
    const label = ONE_LABEL_HOSTNAME.exec(name)?.[1];
    const advice = label ? `use its short name ${label}` : SHORT_NAME_ADVICE;
    return { kind: "a hostname", advice };
  }
  if (!SERVICE_NAME.test(name)) return { kind: "not a service name", advice: SHORT_NAME_ADVICE };
  return undefined;
}

/**
 * Reads service names from a flag: comma-separated lists are split and names lower-cased, since
 * endpoint service names are lower case. A value that is no short service name raises an
 * InputError.
 */
export function serviceNamesOfFlag(flag: string, values: readonly string[]): string[] {
  const split = (value: string) =>
    value
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
  const empty = values.find((value) => split(value).length === 0);
  if (empty !== undefined) {
    throw new InputError(
      `${flag} ${JSON.stringify(empty)} names no service; pass a short name such as kms`,
    );
  }
  const names = values.flatMap(split);
  for (const name of names) {
    const problem = serviceNameProblem(name.toLowerCase());
    if (problem) {
      throw new InputError(`${flag} ${JSON.stringify(name)} is ${problem.kind}; ${problem.advice}`);
    }
  }
  return names.map((name) => name.toLowerCase());
}

/** The `requiredServices` section of a config file that passed the schema. */
export interface RequiredServices {
  default?: string[];
  byVpc?: Record<string, string[]>;
  bySubnetTag?: Record<string, string[]>;
}

/**
 * Returns one sentence per required service in a config file that is no short service name, each
 * naming the file and the JSON pointer of the value. The schema has already checked the shape.
 */
export function configServiceErrors(file: string, section: RequiredServices | undefined): string[] {
  const lists: [string, string[]][] = [["/requiredServices/default", section?.default ?? []]];
  for (const key of ["byVpc", "bySubnetTag"] as const) {
    for (const [name, services] of Object.entries(section?.[key] ?? {})) {
      lists.push([`/requiredServices/${key}/${pointerToken(name)}`, services]);
    }
  }
  return lists.flatMap(([pointer, services]) =>
    services.flatMap((name, position) => {
      const problem = serviceNameProblem(name);
      if (!problem) return [];
      return [
        `${file}: ${pointer}/${position} is ${JSON.stringify(name)}, which is ${problem.kind}; ` +
          problem.advice,
      ];
    }),
  );
}

/** Escapes a key for a JSON pointer (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. */
function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

import { missingRequirement } from "../engine/lint.js";
import { defineRule, type Requirement, type Rule } from "../engine/types.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { scopeId } from "../snapshot/locations.js";
import { iamActionOf, sectionOfOperation } from "../snapshot/sections.js";
import type { SectionName } from "../snapshot/types.js";

type MessageId = "callDenied" | "callThrottled" | "callFailed";

const TEXT =
  "{operation}{scope} failed with {code}: {errorMessage}. Rules that need its data and did not " +
  "run: {rules}. Checks that stopped at the missing data are listed as skipped.";

/** Error codes of a call the collecting identity may not make. */
const DENIED_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
]);

/** Error codes of a call refused for the request rate, after the collector's retries. */
const THROTTLED_CODES = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
  "PriorRequestNotComplete",
  "SlowDown",
]);

export default defineRule<MessageId>({
  id: "snapshot-incomplete",
  title: "A collection call failed, so some checks could not run",
  description:
    "A denied or throttled describe call leaves a section of the snapshot unknown. vpc-lint " +
    "reports it instead of passing the checks that needed the data.",
  severity: "error",
  tags: ["collection"],
  references: [
    {
      title: "Amazon EC2 API permissions: actions, resources and condition keys",
      url: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html",
    },
    {
      title: "Error codes for the Amazon EC2 API",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html",
    },
  ],
  requires: [],
  messages: {
    callDenied: {
      severity: "error",
      text: TEXT,
      fix: "Grant {iamAction} to the identity that collects, then collect again.",
    },
    callThrottled: {
      severity: "error",
      text: TEXT,
      fix:
        "Collect again later or with a lower --concurrency; the collector retried the call " +
        "before it gave up.",
    },
    callFailed: {
      severity: "error",
      text: TEXT,
      fix: "Look up why {operation} returned {code}, remove the cause, then collect again.",
    },
  },
  check(context) {
    const { index } = context;
    const scope = scopeId(index.accountId, index.region);
    for (const error of index.snapshot.Errors ?? []) {
      const info = sectionOfOperation(error.Operation);
      const affected = info ? rulesBlocked(context.rules, index, info.name) : [];
      let rules = affected.length ? affected.join(", ") : "none";
      // Checks that read the section only when present run without it on an assumption.
      if (info?.fallback) rules += `; checks that read it when present assume ${info.fallback}`;
      context.report({
        messageId: messageOf(error.Code, info !== undefined),
        data: {
          operation: error.Operation,
          scope: error.Scope ? ` for ${error.Scope}` : "",
          code: error.Code,
          errorMessage: error.Message.replace(/\.$/, ""),
          rules,
          iamAction: iamActionOf(error.Operation),
        },
        resource: index.ref("snapshot", scope),
        evidence: [
          { resourceId: scope, attribute: "Errors.Operation", value: error.Operation },
          { resourceId: scope, attribute: "Errors.Code", value: error.Code },
        ],
        related: affected,
        discriminator: [error.Operation, error.Scope ?? ""].join("|"),
      });
    }
  },
});

/** Returns the rules that read the section and could not run because its collection failed. */
function rulesBlocked(
  rules: readonly Rule[],
  index: SnapshotIndex,
  section: SectionName,
): string[] {
  const reads = (requirement: Requirement) =>
    typeof requirement === "string" ? requirement === section : requirement.includes(section);
  return rules
    .filter((rule) => rule.requires.some(reads))
    .filter((rule) => missingRequirement(rule.requires, index) !== undefined)
    .map((rule) => rule.id);
}

/** Picks the message whose fix suits the error code; an operation vpc-lint does not know gets no IAM action. */
function messageOf(code: string, knownOperation: boolean): MessageId {
  if (THROTTLED_CODES.has(code)) return "callThrottled";
  if (DENIED_CODES.has(code) && knownOperation) return "callDenied";
  return "callFailed";
}

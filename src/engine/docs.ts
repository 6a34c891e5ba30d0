/** Links from rule ids to their documentation pages. */
import { TOOL_VERSION } from "../version.js";

export const REPOSITORY_URL = "https://github.com/vpc-lint/vpc-lint";

/** Returns the docs page of a rule, pinned to the tag of this release. */
export function docsUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/v${TOOL_VERSION}/docs/rules/${ruleId}.md`;
}

/** Returns the docs page's path inside the repository. */
export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

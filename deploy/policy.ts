/**
 * The collector's read-only IAM actions, read from the policy that docs/iam-policy.md shows, so
 * the deployed roles grant exactly what the documentation lists.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: deploy/ sits directly under it, also when compiled to a cache folder. */
export const REPOSITORY_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

interface PolicyDocument {
  Statement?: Array<{ Action?: string | string[] }>;
}

/** Returns every action of the first JSON block of docs/iam-policy.md, in its order. */
export function collectorActions(root = REPOSITORY_ROOT): string[] {
  const text = readFileSync(join(root, "docs", "iam-policy.md"), "utf8");
  const block = /```json\n([\s\S]*?)\n```/.exec(text)?.[1];
  if (!block)
    throw new Error("docs/iam-policy.md has no ```json block with the collector's policy");
  const policy = JSON.parse(block) as PolicyDocument;
  const actions: string[] = [];
  for (const statement of policy.Statement ?? []) {
    if (Array.isArray(statement.Action)) actions.push(...statement.Action);
    else if (statement.Action) actions.push(statement.Action);
  }
  if (actions.length === 0) throw new Error("the policy in docs/iam-policy.md lists no action");
  return actions;
}

function findRoot(start: string): string {
  let directory = start;
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      readFileSync(join(directory, "docs", "iam-policy.md"));
      return directory;
    } catch {
      directory = dirname(directory);
    }
  }
  throw new Error(`docs/iam-policy.md not found above ${start}`);
}

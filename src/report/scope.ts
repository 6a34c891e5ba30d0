/** Names the account and Region of report entries in runs over several accounts or Regions. */
import type { ScopeSource } from "../run.js";

/** The account and Region of a skipped check, a resource or a linted snapshot. */
interface Scoped {
  accountId?: string;
  region?: string;
}

/**
 * Returns a function that names the account and Region of an entry, such as
 * ` (account 111122223333, us-east-1)`, when the run linted several scopes. With one scope the
 * function returns nothing, since every entry belongs to it.
 */
export function scopeLabeler(sources: readonly ScopeSource[]): (entry: Scoped) => string {
  const scopes = new Set(sources.map((source) => `${source.accountId}\u0000${source.region}`));
  if (scopes.size < 2) return () => "";
  return ({ accountId, region }) => {
    const named = [accountId && `account ${accountId}`, region].filter(Boolean).join(", ");
    return named ? ` (${named})` : "";
  };
}

/** Member accounts: the organization's active accounts, and credentials for a member's role. */
import {
  OrganizationsClient,
  paginateListAccounts,
  type Account,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { ClientOverrides } from "../collect/clients.js";
import { InvalidPageError, withoutRepeats } from "../collect/runner.js";
import { partitionOf } from "../report/asff.js";

export type Credentials = NonNullable<Exclude<ClientOverrides["credentials"], () => unknown>>;

export interface AssumeRoleOptions {
  accountId: string;
  roleName: string;
  /** Region of the STS endpoint, which also fixes the partition of the role ARN. */
  region: string;
  externalId?: string;
  /** Shown in the member account's CloudTrail as the session name. */
  sessionName: string;
}

/** Session length of the member role; one run of one account takes minutes, not hours. */
const SESSION_SECONDS = 900;

/** Assumes the read-only role in a member account and returns its temporary credentials. */
export async function assumeMemberRole(options: AssumeRoleOptions): Promise<Credentials> {
  const roleArn = memberRoleArn(options.accountId, options.roleName, options.region);
  const sts = new STSClient({ region: options.region });
  try {
    const output = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: options.sessionName.slice(0, 64),
        DurationSeconds: SESSION_SECONDS,
        ...(options.externalId && { ExternalId: options.externalId }),
      }),
    );
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`AssumeRole for ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken && { sessionToken: credentials.SessionToken }),
      ...(credentials.Expiration && { expiration: credentials.Expiration }),
    };
  } finally {
    sts.destroy();
  }
}

export function memberRoleArn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}

/**
 * Lists the ids of the organization's active accounts, every page. An account counts as active
 * when its `State`, or the older `Status` field where `State` is absent, is ACTIVE. Pages whose
 * NextToken returns to an earlier one, or a page without its list, raise an InvalidPageError.
 */
export async function listActiveAccounts(region: string): Promise<string[]> {
  const client = new OrganizationsClient({ region });
  try {
    const ids: string[] = [];
    const pages = paginateListAccounts({ client, stopOnSameToken: true }, {});
    for await (const page of withoutRepeats(pages)) {
      // A page without the list must not read as no accounts, or those accounts drop out of the run.
      if (!page.Accounts) {
        const status = page.$metadata?.httpStatusCode ?? "?";
        throw new InvalidPageError(
          `ListAccounts returned a page without Accounts (HTTP ${status})`,
        );
      }
      for (const account of page.Accounts) {
        if (isActive(account) && account.Id) ids.push(account.Id);
      }
    }
    // An account that two pages list gets one event.
    return [...new Set(ids)].sort();
  } finally {
    client.destroy();
  }
}

function isActive(account: Account): boolean {
  return (account.State ?? account.Status) === "ACTIVE";
}

/** Lists every VPC of a Region, for runs that lint a whole Region rather than named VPCs. */
import { paginateDescribeVpcs } from "@aws-sdk/client-ec2";
import { createClients, destroyClients, type ClientOverrides } from "./clients.js";
import { InvalidPageError, withoutRepeats } from "./runner.js";

export interface ListVpcsOptions {
  region: string;
  /** When set, VPCs shared into the account by another owner are left out: their owner lints them. */
  ownerId?: string;
  clientOverrides?: ClientOverrides;
  maxAttempts?: number;
}

/** Returns the ids of the Region's VPCs, sorted, through DescribeVpcs (every page). */
export async function listVpcIds(options: ListVpcsOptions): Promise<string[]> {
  const clients = await createClients({
    region: options.region,
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(options.clientOverrides && { overrides: options.clientOverrides }),
  });
  try {
    const ids: string[] = [];
    const pages = paginateDescribeVpcs({ client: clients.ec2, stopOnSameToken: true }, {});
    for await (const page of withoutRepeats(pages)) {
      // DescribeVpcs always returns the list, so a page without it must not read as no VPCs.
      if (!page.Vpcs) {
        throw new InvalidPageError(
          `DescribeVpcs in ${options.region} returned HTTP ${page.$metadata.httpStatusCode ?? "?"} without a list of VPCs`,
        );
      }
      for (const vpc of page.Vpcs) {
        if (!vpc.VpcId) continue;
        if (options.ownerId && vpc.OwnerId && vpc.OwnerId !== options.ownerId) continue;
        ids.push(vpc.VpcId);
      }
    }
    // A VPC that two pages list is listed once.
    return [...new Set(ids)].sort();
  } finally {
    destroyClients(clients);
  }
}

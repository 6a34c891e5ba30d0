/** Collects a snapshot of live VPCs through the AWS SDK. */
import type { Snapshot } from "../snapshot/types.js";

export interface CollectOptions {
  vpcIds: string[];
  region?: string;
  profile?: string;
  concurrency: number;
  log: (line: string) => void;
}

export async function collectSnapshot(options: CollectOptions): Promise<Snapshot> {
  throw new Error(`collection of ${options.vpcIds.join(", ")} is not built yet`);
}

/** Listing a Region's VPCs through the real EC2 client, with a fake transport for the network. */
import { EC2Client } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { Route53ResolverClient } from "@aws-sdk/client-route53resolver";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { summarizeError } from "../../src/collect/errors.js";
import { listVpcIds } from "../../src/collect/list-vpcs.js";
import { ec2Body, FakeAws, OWNER_ID } from "./transport.js";
import { CREDENTIALS, isolateAwsEnvironment } from "./world.js";

const SHARED_OWNER = "444455556666";

/** Two pages of DescribeVpcs: two VPCs of the account, then one shared by another account. */
function twoPages(): FakeAws {
  const vpc = (id: string, owner: string) =>
    `<item><vpcId>${id}</vpcId><ownerId>${owner}</ownerId><state>available</state></item>`;
  return new FakeAws((operation, attempt) => {
    if (operation !== "DescribeVpcs") return undefined;
    const content =
      attempt === 1
        ? `<vpcSet>${vpc("vpc-0b", OWNER_ID)}${vpc("vpc-0a", OWNER_ID)}</vpcSet><nextToken>page-2</nextToken>`
        : `<vpcSet>${vpc("vpc-0c", SHARED_OWNER)}</vpcSet>`;
    return { status: 200, body: ec2Body(operation, content) };
  });
}

beforeEach(() => {
  isolateAwsEnvironment();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("listVpcIds", () => {
  it("reads every page, sorted", async () => {
    const fake = twoPages();
    const ids = await listVpcIds({
      region: "us-east-1",
      clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    });
    expect(ids).toEqual(["vpc-0a", "vpc-0b", "vpc-0c"]);
    expect(fake.count("DescribeVpcs")).toBe(2);
  });

  it("leaves out VPCs of another owner", async () => {
    const fake = twoPages();
    const ids = await listVpcIds({
      region: "us-east-1",
      ownerId: OWNER_ID,
      clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    });
    expect(ids).toEqual(["vpc-0a", "vpc-0b"]);
  });

  it("rejects a page without its list of VPCs", async () => {
    const fake = new FakeAws((operation) =>
      operation === "DescribeVpcs"
        ? { status: 200, body: "<html><body>busy</body></html>" }
        : undefined,
    );
    const error: unknown = await listVpcIds({
      region: "us-east-1",
      clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    }).catch((reason: unknown) => reason);

    expect(summarizeError(error)).toEqual({
      Code: "InvalidResponse",
      Message: "DescribeVpcs in us-east-1 returned HTTP 200 without a list of VPCs",
    });
  });

  /** Pages of DescribeVpcs that each list vpc-0a, with the NextToken tokenOf gives the nth. */
  function tokenPages(tokenOf: (attempt: number) => string): FakeAws {
    return new FakeAws((operation, attempt) => {
      if (operation !== "DescribeVpcs") return undefined;
      const vpcs = "<vpcSet><item><vpcId>vpc-0a</vpcId><state>available</state></item></vpcSet>";
      const content = `${vpcs}<nextToken>${tokenOf(attempt)}</nextToken>`;
      return { status: 200, body: ec2Body(operation, content) };
    });
  }

  it("stops at a page returning its token", async () => {
    const fake = tokenPages(() => "page-1");
    const ids = await listVpcIds({
      region: "us-east-1",
      clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    });

    expect(ids).toEqual(["vpc-0a"]);
    expect(fake.count("DescribeVpcs")).toBe(2);
  });

  it("rejects pages that repeat a token", async () => {
    const fake = tokenPages((attempt) => `page-${attempt % 2}`);
    const listed = listVpcIds({
      region: "us-east-1",
      clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    });

    await expect(listed).rejects.toThrow(
      "page 3 returned a NextToken that an earlier page returned",
    );
    expect(fake.count("DescribeVpcs")).toBe(3);
  });

  it("closes every client it created", async () => {
    const closed = [EC2Client, SSMClient, Route53Client, Route53ResolverClient].map((client) =>
      vi.spyOn(client.prototype, "destroy"),
    );
    const fake = twoPages();
    await listVpcIds({
      region: "us-east-1",
      clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    });
    for (const destroy of closed) expect(destroy).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it, vi } from "vitest";
import { parseTemplate } from "../../src/iac/cloudformation/parse.js";
import { IntrinsicResolver } from "../../src/iac/cloudformation/intrinsics.js";
import { splitCidr } from "../../src/iac/placeholders.js";

vi.mock("../../src/iac/placeholders.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/iac/placeholders.js")>();
  return { ...original, splitCidr: vi.fn(original.splitCidr) };
});

describe("Fn::Cidr of many subnets", () => {
  it("computes each distinct call once", () => {
    const { template } = parseTemplate("t.yaml", "Resources: {}\n");
    const pseudo = { region: "us-east-1", accountId: "123456789012", stackName: "app" };
    const resolver = new IntrinsicResolver(template, new Map(), pseudo);
    const select = (position: number, block: string) => ({
      "Fn::Select": [position, { "Fn::Cidr": [block, 256, 64] }],
    });

    const prefixes = Array.from({ length: 50 }, (_, position) =>
      resolver.resolve(select(position, "2600:1f18::/56")),
    );
    const other = resolver.resolve(select(3, "2600:1f18:0:100::/56"));

    expect(prefixes[0]).toBe("2600:1f18::/64");
    expect(prefixes[49]).toBe("2600:1f18:0:31::/64");
    expect(other).toBe("2600:1f18:0:103::/64");
    expect(vi.mocked(splitCidr)).toHaveBeenCalledTimes(2);
  });

  it("returns a list that a caller may change", () => {
    const { template } = parseTemplate("t.yaml", "Resources: {}\n");
    const pseudo = { region: "us-east-1", accountId: "123456789012", stackName: "app" };
    const resolver = new IntrinsicResolver(template, new Map(), pseudo);
    const cidr = { "Fn::Cidr": ["10.0.0.0/16", 2, 8] };

    (resolver.resolve(cidr) as string[]).pop();

    expect(resolver.resolve(cidr)).toEqual(["10.0.0.0/24", "10.0.1.0/24"]);
  });
});

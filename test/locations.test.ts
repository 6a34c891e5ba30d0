import { describe, expect, it, vi } from "vitest";
import type { SourceLocation } from "../src/run.js";
import { MergedLocations } from "../src/snapshot/locations.js";

const at = (file: string, line: number): SourceLocation => ({ file, line });

describe("merged resource locations", () => {
  it("keep the location from the first source that names a resource", () => {
    const locations = new MergedLocations();
    locations.add(new Map([["subnet-0a1b", at("a.json", 3)]]));
    locations.add(
      new Map([
        ["subnet-0a1b", at("b.json", 9)],
        ["rtb-0a1b", at("b.json", 20)],
      ]),
    );

    expect(locations.get("subnet-0a1b")).toEqual(at("a.json", 3));
    expect(locations.get("rtb-0a1b")).toEqual(at("b.json", 20));
    expect(locations.has("nat-0a1b")).toBe(false);
    expect(locations.size).toBe(2);
    expect([...locations.keys()]).toEqual(["subnet-0a1b", "rtb-0a1b"]);
  });

  it("build a source given as a function on the first look-up, and only once", () => {
    const build = vi.fn(() => new Map([["vpc-0a1b", at("c.json", 1)]]));
    const locations = new MergedLocations();
    locations.add(build);

    expect(build).not.toHaveBeenCalled();
    expect(locations.get("vpc-0a1b")).toEqual(at("c.json", 1));
    expect(locations.get("vpc-0a1b")).toEqual(at("c.json", 1));
    expect([...locations]).toHaveLength(1);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("merge a source added after a look-up", () => {
    const locations = new MergedLocations();
    locations.add(new Map([["subnet-0a1b", at("a.json", 3)]]));
    expect(locations.size).toBe(1);

    locations.add(() => new Map([["rtb-0a1b", at("b.json", 4)]]));

    expect(locations.get("rtb-0a1b")).toEqual(at("b.json", 4));
    expect(locations.get("subnet-0a1b")).toEqual(at("a.json", 3));
  });
});

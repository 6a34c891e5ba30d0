import { describe, expect, it } from "vitest";
import { formatBar, progressFor } from "../../src/collect/progress.js";

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (text: string) => writes.push(text) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

describe("formatBar", () => {
  it("fills in proportion to finished calls", () => {
    expect(formatBar("", 15, 30)).toBe(`[${"#".repeat(15)}${".".repeat(15)}] 15/30 calls`);
  });

  it("starts with the Region prefix", () => {
    expect(formatBar("[eu-west-1] ", 0, 4)).toBe(`[eu-west-1] [${".".repeat(30)}] 0/4 calls`);
  });

  it("never shows more done than planned", () => {
    expect(formatBar("", 5, 3)).toBe(`[${"#".repeat(30)}] 5/5 calls`);
  });
});

describe("progressFor", () => {
  it("writes plain lines when not a terminal", () => {
    const { stream, writes } = fakeStream(false);
    const output = progressFor(stream, "[us-east-1] ");

    output.update(1, 2);
    output.log("DescribeSubnets: 1 page, 2 items");
    output.finish();

    expect(writes).toEqual(["[us-east-1] DescribeSubnets: 1 page, 2 items\n"]);
  });

  it("redraws the bar below each line on a terminal", () => {
    const { stream, writes } = fakeStream(true);
    const output = progressFor(stream);

    output.update(1, 2);
    output.log("DescribeVpcs: 1 page, 1 item");

    expect(writes).toEqual([
      formatBar("", 1, 2),
      "\r\x1b[2K",
      "DescribeVpcs: 1 page, 1 item\n",
      formatBar("", 1, 2),
    ]);
  });

  it("shows one Region's bar at a time", () => {
    const { stream, writes } = fakeStream(true);
    const east = progressFor(stream, "[us-east-1] ");
    const west = progressFor(stream, "[us-west-2] ");

    east.update(1, 24);
    west.update(1, 16);
    west.log("DescribeSubnets: 1 page, 2 items");
    east.finish();
    west.finish();

    expect(writes).toEqual([
      formatBar("[us-east-1] ", 1, 24),
      "\r\x1b[2K",
      formatBar("[us-west-2] ", 1, 16),
      "\r\x1b[2K",
      "[us-west-2] DescribeSubnets: 1 page, 2 items\n",
      formatBar("[us-west-2] ", 1, 16),
      "\r\x1b[2K",
    ]);
  });

  it("clears the bar when finished", () => {
    const { stream, writes } = fakeStream(true);
    const output = progressFor(stream);

    output.update(2, 2);
    output.finish();

    expect(writes.at(-1)).toBe("\r\x1b[2K");
  });
});

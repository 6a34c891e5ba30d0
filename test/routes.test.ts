import { describe, expect, it } from "vitest";
import { describeParts, describeRoute, routeParts, TableRoutes } from "../src/index/routes.js";
import { NAT64_PREFIX, parseCidr, type Cidr } from "../src/net/cidr.js";
import { PrefixSet } from "../src/net/prefix-set.js";
import { route, routeTable } from "./builder.js";

/** Returns each part of 64:ff9b::/96 as `prefixes -> target`, for the given routes. */
function partsOf(routes: ReturnType<typeof route>[]): string[] {
  const table = routeTable({ id: "rtb-parts", routes });
  const tableRoutes = new TableRoutes(table, () => undefined);
  const covering = tableRoutes.longestMatch(NAT64_PREFIX);
  return routeParts(tableRoutes, NAT64_PREFIX, covering).map(
    (part) => `${describeParts([part], NAT64_PREFIX)} -> ${part.route?.target.id ?? "none"}`,
  );
}

describe("routeParts", () => {
  it("keeps one part without routes inside", () => {
    expect(partsOf([route("::/0", "eigw-0a11")])).toEqual(["64:ff9b::/96 -> eigw-0a11"]);
  });

  it("splits the prefix at a /97 route", () => {
    expect(partsOf([route("64:ff9b::8000:0/97", "nat-0a11"), route("::/0", "eigw-0a11")])).toEqual([
      "64:ff9b::/97 -> eigw-0a11",
      "64:ff9b::8000:0/97 -> nat-0a11",
    ]);
  });

  it("gives nested routes their longest match", () => {
    expect(
      partsOf([route("64:ff9b::4000:0/98", "nat-0b22"), route("64:ff9b::/97", "nat-0a11")]),
    ).toEqual([
      "64:ff9b::/98 -> nat-0a11",
      "64:ff9b::4000:0/98 -> nat-0b22",
      "64:ff9b::8000:0/97 -> none",
    ]);
  });

  it("prefers a static route at equal length", () => {
    const propagated = {
      ...route("64:ff9b::/97", "vgw-0a11"),
      Origin: "EnableVgwRoutePropagation",
    };
    expect(
      partsOf([
        route("64:ff9b::/97", "nat-0a11"),
        propagated as ReturnType<typeof route>,
        route("64:ff9b::8000:0/97", "nat-0a11"),
      ]),
    ).toEqual(["64:ff9b::/97 -> nat-0a11", "64:ff9b::8000:0/97 -> nat-0a11"]);
  });

  it("keeps the first of equal routes", () => {
    // longestMatch keeps the first of two routes of one prefix and priority, and so do the parts.
    const first = partsOf([route("64:ff9b::/97", "nat-0a11"), route("64:ff9b::/97", "nat-0b22")]);
    const swapped = partsOf([route("64:ff9b::/97", "nat-0b22"), route("64:ff9b::/97", "nat-0a11")]);

    expect(first[0]).toBe("64:ff9b::/97 -> nat-0a11");
    expect(swapped[0]).toBe("64:ff9b::/97 -> nat-0b22");
  });

  it("names a range as its fewest prefixes", () => {
    expect(partsOf([route("64:ff9b::/112", "nat-0a11")])).toEqual([
      "64:ff9b::/112 -> nat-0a11",
      "64:ff9b::1:0/112, 64:ff9b::2:0/111, 64:ff9b::4:0/110, 64:ff9b::8:0/109, " +
        "64:ff9b::10:0/108, 64:ff9b::20:0/107, 64:ff9b::40:0/106, 64:ff9b::80:0/105, " +
        "64:ff9b::100:0/104, 64:ff9b::200:0/103, 64:ff9b::400:0/102, 64:ff9b::800:0/101, " +
        "64:ff9b::1000:0/100, 64:ff9b::2000:0/99, 64:ff9b::4000:0/98, 64:ff9b::8000:0/97 -> none",
    ]);
  });
});

describe("TableRoutes", () => {
  const cidr = (text: string) => parseCidr(text) as Cidr;
  const entries = new PrefixSet(["64:ff9b::a00:0/104", "64:ff9b::a00:0/120"].map(cidr));
  const table = routeTable({
    id: "rtb-lists",
    routes: [
      route("64:ff9b::/96", "nat-0a11"),
      route("pl-0a11", "tgw-0a11"),
      route("64:ff9b::a00:0/120", "nat-0b22"),
      route("pl-0b22", "tgw-0a11"),
    ],
  });
  const routes = new TableRoutes(table, (listId) => (listId === "pl-0a11" ? entries : undefined));

  it("matches a prefix list's longest entry", () => {
    const view = routes.longestMatch(cidr("64:ff9b::a01:0/128"));

    expect(view?.prefixListId).toBe("pl-0a11");
    expect(view?.destination.text).toBe("64:ff9b::a00:0/104");
  });

  it("prefers a static route to an equal entry", () => {
    expect(routes.longestMatch(cidr("64:ff9b::a00:1/128"))?.target.id).toBe("nat-0b22");
  });

  it("lists entries inside a prefix in table order", () => {
    expect(routes.inside(NAT64_PREFIX).map(describeRoute)).toEqual([
      "pl-0a11 (64:ff9b::a00:0/104) -> tgw-0a11",
      "pl-0a11 (64:ff9b::a00:0/120) -> tgw-0a11",
      "64:ff9b::a00:0/120 -> nat-0b22",
    ]);
  });

  it("returns one view per entry", () => {
    const [inside] = routes.inside(NAT64_PREFIX);

    expect(routes.longestMatch(cidr("64:ff9b::a01:0/128"))).toBe(inside);
  });

  it("names a list without entries as unresolved", () => {
    expect(routes.unresolved).toEqual(["pl-0b22"]);
  });
});

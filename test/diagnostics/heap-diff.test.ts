// heapGrowth: which allocation sites grew between two heap summaries, most first, with their share
// of the growth; sites that shrank or are new are handled. Pure.

import { heapGrowth } from "@rdev/bot/diagnose/heap-diff.ts";
import { describe, expect, it } from "vitest";

const site = (fn: string, bytes: number) => ({ function: fn, file: null, inuseBytes: bytes });

describe("heapGrowth", () => {
  it("ranks what grew, with each site's share of the growth; shrinking sites are left out", () => {
    const g = heapGrowth(
      { total: 100, sites: [site("leak", 40), site("cache", 30), site("steady", 30)] },
      { total: 190, sites: [site("leak", 110), site("cache", 20), site("steady", 30), site("new", 30)] },
    );
    expect(g.grownBytes).toBe(100);
    expect(g.sites.map((s) => [s.function, s.beforeBytes, s.growthBytes, s.shareOfGrowth])).toEqual([
      ["leak", 40, 70, 0.7],
      ["new", 0, 30, 0.3],
    ]);
  });

  it("says nothing grew when nothing did", () => {
    expect(
      heapGrowth({ total: 10, sites: [site("a", 10)] }, { total: 8, sites: [site("a", 8)] }).sites,
    ).toEqual([]);
  });
});

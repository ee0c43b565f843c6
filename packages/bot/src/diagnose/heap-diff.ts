// Heap growth between two profiles of one pod: which allocation sites grew, by how much, and what
// share of the growth each one is. The runbook's post-incident "analyse the heap profile for memory
// leaks", done while the evidence still exists (an OOM kill destroys it). Pure.
import type { HeapSummary } from "./pprof.ts";

/** A site as kept between the two captures (the job stores only this, not the profile). */
export type SiteBytes = { function: string; file: string | null; inuseBytes: number };

export type SiteGrowth = SiteBytes & {
  beforeBytes: number;
  growthBytes: number;
  /** This site's growth as a fraction of all growth (sites that grew), 0..1. */
  shareOfGrowth: number;
};

export type HeapGrowth = {
  beforeBytes: number;
  afterBytes: number;
  /** In-use bytes added across the sites that grew. */
  grownBytes: number;
  /** Sites that grew, most first. */
  sites: SiteGrowth[];
};

export function sitesOf(summary: HeapSummary): SiteBytes[] {
  return summary.top.map((s) => ({ function: s.function, file: s.file, inuseBytes: s.inuseBytes }));
}

export function heapGrowth(
  before: { total: number; sites: readonly SiteBytes[] },
  after: { total: number; sites: readonly SiteBytes[] },
  limit = 10,
): HeapGrowth {
  const was = new Map(before.sites.map((s) => [s.function, s.inuseBytes]));
  const grew = after.sites
    .map((s) => {
      const beforeBytes = was.get(s.function) ?? 0;
      return { ...s, beforeBytes, growthBytes: s.inuseBytes - beforeBytes };
    })
    .filter((s) => s.growthBytes > 0)
    .sort((a, b) => b.growthBytes - a.growthBytes);
  const grownBytes = grew.reduce((sum, s) => sum + s.growthBytes, 0);
  return {
    beforeBytes: before.total,
    afterBytes: after.total,
    grownBytes,
    sites: grew
      .slice(0, limit)
      .map((s) => ({ ...s, shareOfGrowth: grownBytes > 0 ? s.growthBytes / grownBytes : 0 })),
  };
}

import { formatQuantity, memoryLimitSteps, nextMemoryLimit } from "@rdev/bot/runbooks/high-memory/limits.ts";
import { describe, expect, it } from "vitest";

const MI = 1024 ** 2;
const GI = 1024 ** 3;

describe("memoryLimitSteps", () => {
  it("alternates the way people write limits", () => {
    expect(memoryLimitSteps(4 * GI).map(formatQuantity)).toEqual([
      "128Mi",
      "192Mi",
      "256Mi",
      "384Mi",
      "512Mi",
      "768Mi",
      "1Gi",
      "1.5Gi",
      "2Gi",
      "3Gi",
      "4Gi",
    ]);
  });
});

describe("formatQuantity", () => {
  it.each([
    [768 * MI, "768Mi"],
    [GI, "1Gi"],
    [1.5 * GI, "1.5Gi"],
    [1.25 * GI, "1280Mi"],
    [600 * MI + 1, "601Mi"],
    [1000, "1000"],
  ])("%s -> %s", (bytes, q) => expect(formatQuantity(bytes)).toBe(q));
});

describe("nextMemoryLimit", () => {
  const base = { maxBytes: 4 * GI, maxLabel: "4Gi", warningPercent: 80 };
  it.each([
    // current, usage -> proposed
    [512 * MI, 480 * MI, "768Mi"],
    [768 * MI, 700 * MI, "1Gi"],
    [GI, 990 * MI, "1.5Gi"],
    [1.5 * GI, 1.4 * GI, "2Gi"],
    [2 * GI, 1.9 * GI, "3Gi"],
    [600 * MI, 590 * MI, "768Mi"],
    // Usage must end up below the warning threshold: 700Mi needs >= 875Mi, so 1Gi, not 768Mi.
    [640 * MI, 700 * MI, "1Gi"],
    [512 * MI, null, "768Mi"],
  ])("from %s with usage %s proposes %s", (current, usage, proposed) => {
    const p = nextMemoryLimit({ ...base, currentBytes: current, usageBytes: usage });
    expect(p).toMatchObject({ ok: true, value: proposed, capped: false });
    if (p.ok && usage !== null) expect(p.bytes).toBeGreaterThan(usage);
  });

  it("caps at MEMORY_LIMIT_MAX", () => {
    expect(nextMemoryLimit({ ...base, currentBytes: 3 * GI, usageBytes: 2.9 * GI })).toMatchObject({
      value: "4Gi",
      capped: false,
    });
    expect(nextMemoryLimit({ ...base, currentBytes: 3.5 * GI, usageBytes: 3.3 * GI })).toEqual({
      ok: true,
      value: "4Gi",
      bytes: 4 * GI,
      capped: true,
    });
    expect(
      nextMemoryLimit({
        ...base,
        maxBytes: 2.5 * GI,
        maxLabel: "2560Mi",
        currentBytes: 2 * GI,
        usageBytes: 1.9 * GI,
      }),
    ).toMatchObject({ ok: true, value: "2560Mi", capped: true });
  });

  it("refuses at the maximum, without a limit, or when usage exceeds the maximum", () => {
    expect(nextMemoryLimit({ ...base, currentBytes: 4 * GI, usageBytes: 3.9 * GI })).toEqual({
      ok: false,
      reason: "the limit 4Gi is already at the configured maximum 4Gi (MEMORY_LIMIT_MAX)",
    });
    expect(nextMemoryLimit({ ...base, currentBytes: null, usageBytes: GI })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no memory limit/),
    });
    expect(nextMemoryLimit({ ...base, currentBytes: 3 * GI, usageBytes: 4.5 * GI })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/usage .* above the configured maximum 4Gi/),
    });
  });
});

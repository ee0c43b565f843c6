import { validateModalValue } from "@rdev/bot/slack/approvals/validate.ts";
import { describe, expect, it } from "vitest";

const limits = { memoryLimitMaxBytes: 4 * 1024 ** 3, memoryLimitMax: "4Gi" };

describe("validateModalValue", () => {
  it.each([
    ["raise-memory-limit", "1Gi", { memoryLimit: "1Gi" }],
    ["raise-memory-limit", " 1536Mi ", { memoryLimit: "1536Mi" }],
    ["raise-memory-limit", "4Gi", { memoryLimit: "4Gi" }],
    ["set-cache-ttl", "15s", { ttl: "15s" }],
    ["set-cache-ttl", "5m", { ttl: "5m" }],
    // Go's grammar (issue 12): composite and fractional durations, which the modal used to refuse.
    ["set-cache-ttl", "1m30s", { ttl: "1m30s" }],
    ["set-cache-ttl", "1.5h", { ttl: "1.5h" }],
    ["set-cache-ttl", "168h", { ttl: "168h" }],
  ] as const)("%s %j is valid", (kind, value, params) => {
    expect(validateModalValue(kind, value, limits)).toMatchObject({ ok: true, params });
  });

  it.each([
    ["raise-memory-limit", "lots", /quantity like/],
    ["raise-memory-limit", "", /quantity like/],
    ["raise-memory-limit", "4097Mi", /At most 4Gi/],
    ["raise-memory-limit", "10Mi", /below 64Mi/],
    ["set-cache-ttl", "soon", /duration like/],
    ["set-cache-ttl", "500ms", /At least 1s/],
    ["set-cache-ttl", "169h", /At most 168h/],
    // Go has no days (issue 12): the modal used to accept "2d", which the worker's action and
    // rdev-api's Go then refused.
    ["set-cache-ttl", "2d", /no days/],
    ["set-cache-ttl", "8d", /no days/],
    ["set-cache-ttl", "1h30", /duration like/],
  ] as const)("%s %j is refused", (kind, value, error) => {
    const result = validateModalValue(kind, value, limits);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error).toMatch(error);
  });
});

import {
  checkFieldsSupported,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "@rdev/kube-sim/selectors.ts";
import { ApiError } from "@rdev/kube-sim/status.ts";
import { describe, expect, it } from "vitest";

const labels = { app: "rdev-api", tier: "web", "pod-template-hash": "5d8f9c7b4" };

describe("label selectors", () => {
  it.each([
    ["", true],
    ["app=rdev-api", true],
    ["app==rdev-api", true],
    ["app!=rdev-api", false],
    ["app=other", false],
    ["app in (rdev-api, other)", true],
    ["app notin (rdev-api)", false],
    ["tier", true],
    ["!tier", false],
    ["missing", false],
    ["!missing", true],
    ["app=rdev-api,tier=web", true],
    ["app=rdev-api,tier in (db)", false],
    ["missing!=x", true],
  ])("%j matches: %s", (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it("supports gt and lt on integer values", () => {
    expect(matchesLabels(parseLabelSelector("rank>2"), { rank: "3" })).toBe(true);
    expect(matchesLabels(parseLabelSelector("rank<2"), { rank: "3" })).toBe(false);
  });

  it("rejects malformed selectors with a 400 Status", () => {
    for (const bad of ["app=(x", "a b c", "=x"]) {
      const err = (() => {
        try {
          parseLabelSelector(bad);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err, bad).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe(400);
    }
  });
});

describe("field selectors", () => {
  const fields = { reason: "BackOff", "involvedObject.name": "rdev-api-x", type: "Warning" };
  it.each([
    ["reason=BackOff", true],
    ["reason==BackOff", true],
    ["reason=OOMKilled", false],
    ["reason!=OOMKilled", true],
    ["reason=BackOff,type=Warning", true],
    ["reason=BackOff,type=Normal", false],
    ["involvedObject.name=rdev-api-x", true],
  ])("%j matches: %s", (sel, want) => {
    expect(matchesFields(parseFieldSelector(sel), fields)).toBe(want);
  });

  it("unescapes commas and equals signs", () => {
    const sel = parseFieldSelector("reason=a\\,b\\=c");
    expect(sel).toEqual([{ field: "reason", op: "=", value: "a,b=c" }]);
  });

  it("rejects unsupported field labels like the API server", () => {
    expect(() => checkFieldsSupported(parseFieldSelector("spec.foo=bar"), ["metadata.name"])).toThrow(
      "field label not supported: spec.foo",
    );
  });
});

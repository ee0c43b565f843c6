import {
  codeForStatus,
  describe,
  isTransient,
  KubeError,
  type KubeErrorCode,
  type KubeErrorDetails,
} from "@rdev/bot/k8s/errors.ts";
import { expect, describe as group, it } from "vitest";

const details = (code: KubeErrorCode, extra: Partial<KubeErrorDetails> = {}): KubeErrorDetails => ({
  code,
  status: null,
  verb: "create",
  resource: "pods/eviction",
  namespace: "rdev",
  name: "rdev-api-x",
  apiMessage: null,
  ...extra,
});

group("describe", () => {
  it.each<[KubeErrorCode, string[]]>([
    ["unauthorized", ["rejected the credentials", "create pods/eviction/rdev-api-x"]],
    ["forbidden", ['may not "create" "pods/eviction" in namespace "rdev"', 'Grant verb "create"']],
    ["not_found", ["Not found: pods/eviction/rdev-api-x", "replaced"]],
    ["conflict", ["Conflict", "replaced pod is left alone"]],
    ["invalid", ["invalid"]],
    ["pdb_blocked", ["PodDisruptionBudget", "rolling restart"]],
    ["throttled", ["throttling"]],
    ["server", ["failed (5xx)", "Retry"]],
    ["timeout", ["in time", "Retry"]],
    ["network", ["Could not reach", "server address"]],
    ["config", ["No usable Kubernetes configuration", "Set KUBECONFIG"]],
  ])("%s says what happened and what to do", (code, fragments) => {
    const text = describe(details(code));
    for (const f of fragments) expect(text).toContain(f);
  });

  it("includes the API server's message", () => {
    expect(describe(details("pdb_blocked", { apiMessage: "needs 2 healthy pods" }))).toContain(
      "(API server: needs 2 healthy pods)",
    );
    expect(describe(details("config", { apiMessage: 'file "/x" does not exist' }))).toContain(
      'configuration: file "/x" does not exist.',
    );
    expect(describe(details("timeout", { apiMessage: "no response within 5 ms" }))).toContain(
      "(no response within 5 ms)",
    );
  });
});

group("codeForStatus", () => {
  it("maps eviction 429 to pdb_blocked and other 429s to throttled", () => {
    expect(codeForStatus(429, "pods/eviction")).toBe("pdb_blocked");
    expect(codeForStatus(429, "pods")).toBe("throttled");
    expect(codeForStatus(418, "pods")).toBe("server");
  });
});

group("KubeError", () => {
  it("carries its details and whether a retry may help", () => {
    const err = new KubeError(details("forbidden", { status: 403 }), { cause: "x" });
    expect(err).toMatchObject({
      name: "KubeError",
      code: "forbidden",
      status: 403,
      resourceName: "rdev-api-x",
    });
    expect(err.transient).toBe(false);
    expect(err.cause).toBe("x");
    expect(isTransient("server")).toBe(true);
    expect(isTransient("pdb_blocked")).toBe(false);
  });
});

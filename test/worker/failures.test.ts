// How the worker classifies a failed run: table-driven over the errors it meets.

import { KubeError, type KubeErrorCode } from "@rdev/bot/k8s/errors.ts";
import { RedisUnavailableError } from "@rdev/bot/redis.ts";
import { ActionRefused } from "@rdev/bot/remediate/actions/types.ts";
import { classify, finalError, isFinalAttempt } from "@rdev/bot/worker/failures.ts";
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError } from "@slack/web-api";
import { DelayedError, UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";

const kube = (code: KubeErrorCode, status: number | null) =>
  new KubeError({
    code,
    status,
    verb: "create",
    resource: "pods/eviction",
    namespace: "rdev",
    name: "p",
    apiMessage: null,
  });

describe("classify", () => {
  it.each([
    { name: "DelayedError (a step moved the job)", error: new DelayedError(), kind: "delayed" },
    { name: "Slack 429", error: new WebAPIRateLimitedError(7), kind: "rate_limited", retryAfterMs: 7000 },
    {
      name: "policy refusal",
      error: new ActionRefused("pdb_blocked", "blocked"),
      kind: "permanent",
      code: "pdb_blocked",
    },
    { name: "UnrecoverableError", error: new UnrecoverableError("bad data"), kind: "permanent" },
    { name: "API 403", error: kube("forbidden", 403), kind: "permanent", code: "kube_forbidden" },
    { name: "API 404", error: kube("not_found", 404), kind: "permanent" },
    { name: "API 422", error: kube("invalid", 422), kind: "permanent" },
    { name: "API 401", error: kube("unauthorized", 401), kind: "permanent" },
    { name: "API 500", error: kube("server", 500), kind: "transient", code: "kube_server" },
    { name: "API 409", error: kube("conflict", 409), kind: "transient" },
    { name: "API timeout", error: kube("timeout", null), kind: "transient" },
    { name: "API unreachable", error: kube("network", null), kind: "transient" },
    { name: "Redis restarting", error: new RedisUnavailableError("down"), kind: "transient" },
    {
      name: "Slack 500 (after the client's retries)",
      error: new WebAPIHTTPError(500, "Internal", {}),
      kind: "transient",
    },
    {
      name: "Slack not_in_channel",
      error: new WebAPIPlatformError({ ok: false, error: "not_in_channel" }),
      kind: "permanent",
      code: "slack_not_in_channel",
    },
    {
      name: "Slack internal_error",
      error: new WebAPIPlatformError({ ok: false, error: "internal_error" }),
      kind: "transient",
    },
    { name: "anything else", error: new Error("boom"), kind: "transient" },
  ])("$name -> $kind", ({ error, kind, code, retryAfterMs }) => {
    const f = classify(error);
    expect(f.kind).toBe(kind);
    if (code) expect(f).toMatchObject({ code });
    if (retryAfterMs) expect(f).toMatchObject({ retryAfterMs });
  });

  it("keeps KubeError's message, which names the missing RBAC verb", () => {
    const f = classify(kube("forbidden", 403));
    expect(f.kind === "permanent" && f.message).toMatch(/Grant verb "create" on resource "pods\/eviction"/);
  });
});

describe("isFinalAttempt and finalError", () => {
  const job = (attemptsMade: number, attempts?: number) => ({
    attemptsMade,
    opts: attempts ? { attempts } : {},
  });
  it.each([
    { job: job(0, 3), error: kube("server", 500), final: false },
    { job: job(1, 3), error: kube("server", 500), final: false },
    { job: job(2, 3), error: kube("server", 500), final: true },
    { job: job(0), error: kube("server", 500), final: true },
    { job: job(0, 3), error: kube("forbidden", 403), final: true },
    { job: job(0, 3), error: new WebAPIRateLimitedError(1), final: false },
  ])("%# final=$final", ({ job: j, error, final }) => {
    expect(isFinalAttempt(j, classify(error))).toBe(final);
  });

  it("permanent failures end as UnrecoverableError with the message; transient ones are rethrown as they are", () => {
    const forbidden = kube("forbidden", 403);
    const ended = finalError(forbidden, classify(forbidden));
    expect(ended).toBeInstanceOf(UnrecoverableError);
    expect((ended as Error).message).toBe(forbidden.message);
    const server = kube("server", 500);
    expect(finalError(server, classify(server))).toBe(server);
  });
});

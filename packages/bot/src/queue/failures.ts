// How a failed job run continues: Slack's 429 goes back to the queue as a delay of Retry-After
// (no attempt used, nobody sleeps); permanent failures (403, 404, 422, policy refusals, invalid
// data) end the job at once with a message that says what to fix; transient ones (5xx, 409,
// timeouts, Redis restarting) are retried with the queue's backoff. Shared by the worker's
// processors and the app's Slack outbox (packages/bot/src/slack/outbox).
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import { KubeError } from "../k8s/errors.ts";
import type { Logger } from "../logger.ts";
import { RedisUnavailableError } from "../redis.ts";
import { rateLimitedFor, slackErrorCode } from "../slack-web/errors.ts";

/** A job that must not run: a permanent refusal with a code, never retried (remediation actions throw it). */
export class ActionRefused extends Error {
  override readonly name = "ActionRefused";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export type Failure =
  | { kind: "delayed" }
  | { kind: "rate_limited"; retryAfterMs: number }
  | { kind: "permanent"; code: string; message: string }
  | { kind: "transient"; code: string; message: string };

/** Slack platform errors that a later retry may not hit. */
const SLACK_TRANSIENT = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function classify(error: unknown): Failure {
  if (error instanceof DelayedError || (error instanceof Error && error.name === "DelayedError"))
    return { kind: "delayed" };
  const wait = rateLimitedFor(error);
  if (wait !== null) return { kind: "rate_limited", retryAfterMs: wait * 1000 };
  if (error instanceof ActionRefused) return { kind: "permanent", code: error.code, message: error.message };
  if (error instanceof UnrecoverableError || (error instanceof Error && error.name === "UnrecoverableError"))
    return { kind: "permanent", code: "unrecoverable", message: messageOf(error) };
  if (error instanceof KubeError)
    return {
      kind: error.transient ? "transient" : "permanent",
      code: `kube_${error.code}`,
      message: error.message,
    };
  if (error instanceof RedisUnavailableError)
    return { kind: "transient", code: error.code, message: error.message };
  const slackCode = slackErrorCode(error);
  if (slackCode !== null) {
    const message = `Slack refused the call (${slackCode}); check the bot's token, scopes and channel membership.`;
    return {
      kind: SLACK_TRANSIENT.has(slackCode) ? "transient" : "permanent",
      code: `slack_${slackCode}`,
      message,
    };
  }
  return { kind: "transient", code: "error", message: messageOf(error) };
}

/** True when BullMQ will not run this job again after the current run fails with `failure`. */
export function isFinalAttempt(job: Pick<Job, "attemptsMade" | "opts">, failure: Failure): boolean {
  if (failure.kind === "permanent") return true;
  if (failure.kind !== "transient") return false;
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Moves the running job to the delayed set and ends this run (BullMQ's step-job pattern). */
export async function delayRun(job: Job, token: string | undefined, realMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(1, Math.round(realMs)), token);
  throw new DelayedError();
}

/** The error this run ends with: UnrecoverableError for permanent failures, else the original. */
export function finalError(error: unknown, failure: Failure): unknown {
  if (failure.kind === "permanent" && !(error instanceof UnrecoverableError)) {
    return new UnrecoverableError(failure.message);
  }
  return error;
}

/**
 * The end of a step job's run that failed, for processors with nothing of their own to tell: a
 * delay passes through, a Slack 429 delays the job by Retry-After, anything else is logged once and
 * thrown (retried, or final when permanent).
 */
export async function failStep(
  deps: { metrics: { slackRateLimited: { inc(): void } } },
  log: Logger,
  run: { job: Job; token: string | undefined },
  error: unknown,
  message: string,
): Promise<never> {
  const failure = classify(error);
  if (failure.kind === "delayed") throw error;
  if (failure.kind === "rate_limited") {
    deps.metrics.slackRateLimited.inc();
    return await delayRun(run.job, run.token, failure.retryAfterMs);
  }
  log.warn({ code: failure.code, err: error }, message);
  throw finalError(error, failure);
}

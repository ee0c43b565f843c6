// How a failed job run continues: packages/bot/src/queue/failures.ts (the app's Slack outbox shares it).
export { classify, delayRun, type Failure, failStep, finalError, isFinalAttempt } from "../queue/failures.ts";

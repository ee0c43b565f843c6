// The Slack Web API error readers live in packages/bot/src/slack-web/errors.ts (the worker uses them without Bolt).
export { CANNOT_POST, rateLimitedFor, slackErrorCode } from "../slack-web/errors.ts";

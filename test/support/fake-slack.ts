// The fake Slack Web API now lives in packages/dev-slack/src/ (the local dev workspace serves it too); tests
// keep importing it from here.
export {
  type EphemeralMessage,
  type FakeSlack,
  type FakeSlackCall,
  type FakeSlackOptions,
  type RateLimit,
  type ResponseUrlPost,
  type SlackMessage,
  type StoredFile,
  type StoredView,
  startFakeSlack,
  type WorkspaceIdentity,
  type WorkspaceUser,
} from "@rdev/dev-slack/web-api.ts";

// The fake Slack Web API now lives in src/devslack/ (the local dev workspace serves it too); tests
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
} from "../../src/devslack/web-api.ts";

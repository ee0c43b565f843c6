// Signed Slack requests and Slack's payload shapes now live in packages/dev-slack/src/ (the local dev
// workspace sends them to the app too); tests keep importing them from here. The payload examples
// there are the ones in test/fixtures/slack/ (test/devslack/payloads.test.ts keeps them equal).
export {
  appHomeOpened,
  type BlockActionsOptions,
  blockActions,
  type MessageEventOptions,
  messageEvent,
  type SlashCommandFields,
  slashCommand,
  urlVerification,
  type ViewSubmissionOptions,
  viewSubmission,
} from "@rdev/dev-slack/payloads.ts";
export {
  type SignedPostOptions,
  type SlackSignatureHeaders,
  signedEvent,
  signedInteraction,
  signedPost,
  signedSlashCommand,
  signRequest,
} from "@rdev/dev-slack/sign.ts";

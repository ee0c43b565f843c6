// Slack's request payloads, built from its documented shapes (real examples in
// payload-examples.ts): slash commands, block_actions, view_submission, view_closed, Events API
// envelopes. Every builder starts from the example and overrides what it is given. Pure, except
// that event ids count up.
import {
  APP_HOME_OPENED_EXAMPLE,
  BLOCK_ACTIONS_EXAMPLE,
  MESSAGE_EVENT_EXAMPLE,
  SLASH_COMMAND_EXAMPLE,
  URL_VERIFICATION_EXAMPLE,
  VIEW_SUBMISSION_EXAMPLE,
} from "./payload-examples.ts";

export type Json = Record<string, unknown>;

export type SlashCommandFields = {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
};

/** The workspace an interaction happens in (default: the examples' T0RDEV0001 "rdev"). */
export type TeamOptions = { team?: { id: string; domain: string }; apiAppId?: string };

/** Slash command fields (the example, overridden by `fields`). */
export function slashCommand(fields: Partial<SlashCommandFields> = {}): SlashCommandFields {
  return { ...SLASH_COMMAND_EXAMPLE, ...fields };
}

type UserOption = { id: string; username?: string };

function withUser(payload: Json & { user: Json }, user: UserOption | undefined): void {
  if (!user) return;
  const name = user.username ?? user.id.toLowerCase();
  payload.user = { ...payload.user, id: user.id, username: name, name };
}

function withTeam(payload: Json & { user: Json }, options: TeamOptions): void {
  if (options.team) {
    payload.team = { id: options.team.id, domain: options.team.domain };
    payload.user = { ...payload.user, team_id: options.team.id };
  }
  if (options.apiAppId) payload.api_app_id = options.apiAppId;
}

export type BlockActionsOptions = TeamOptions & {
  actionId?: string;
  value?: string;
  blockId?: string;
  /** The whole action object (type, action_id, block_id, text, value, style...), replacing the example's. */
  action?: Json;
  user?: UserOption;
  channelId?: string;
  channelName?: string;
  /** The message carrying the button. */
  messageTs?: string;
  /** The whole message carrying the button; null leaves it out, as Slack does for ephemeral messages. */
  message?: Json | null;
  /** The thread the message is in, if any. */
  threadTs?: string | null;
  isEphemeral?: boolean;
  triggerId?: string;
  responseUrl?: string;
  actionTs?: string;
};

/** A block_actions payload for a button click (the example: "Approve" on a proposal). */
export function blockActions(options: BlockActionsOptions = {}): Json {
  const payload = structuredClone(BLOCK_ACTIONS_EXAMPLE) as Json & {
    user: Json;
    container: Json;
    channel: Json;
    message?: Json;
    actions: Json[];
  };
  if (options.action) payload.actions = [structuredClone(options.action)];
  const action = payload.actions[0] as Json;
  if (options.actionId) action.action_id = options.actionId;
  if (options.value !== undefined) action.value = options.value;
  if (options.blockId) action.block_id = options.blockId;
  if (options.actionTs) action.action_ts = options.actionTs;
  withUser(payload, options.user);
  withTeam(payload, options);
  if (options.channelId) {
    payload.container.channel_id = options.channelId;
    payload.channel = { ...payload.channel, id: options.channelId };
  }
  if (options.channelName) payload.channel = { ...payload.channel, name: options.channelName };
  if (options.message !== undefined) {
    if (options.message === null) delete payload.message;
    else payload.message = structuredClone(options.message);
  }
  const message = payload.message;
  if (options.messageTs) {
    payload.container.message_ts = options.messageTs;
    if (message) message.ts = options.messageTs;
  }
  if (options.threadTs !== undefined) {
    if (options.threadTs === null) {
      delete payload.container.thread_ts;
      if (message && options.message === undefined) {
        delete message.thread_ts;
        delete message.parent_user_id;
      }
    } else {
      payload.container.thread_ts = options.threadTs;
      if (message) message.thread_ts = options.threadTs;
    }
  }
  if (options.isEphemeral !== undefined) payload.container.is_ephemeral = options.isEphemeral;
  if (options.triggerId) payload.trigger_id = options.triggerId;
  if (options.responseUrl) payload.response_url = options.responseUrl;
  return payload;
}

export type ViewSubmissionOptions = TeamOptions & {
  callbackId?: string;
  privateMetadata?: string;
  /** state.values: block_id -> action_id -> { type, value, ... } */
  values?: Record<string, Record<string, Json>>;
  /** The whole view as views.open stored it, replacing the example's (state from `values`). */
  view?: Json;
  user?: UserOption;
  triggerId?: string;
  viewId?: string;
};

/** A view_submission payload (the example: the "Raise memory limit" modal). */
export function viewSubmission(options: ViewSubmissionOptions = {}): Json {
  const payload = structuredClone(VIEW_SUBMISSION_EXAMPLE) as Json & { user: Json; view: Json };
  if (options.view) payload.view = structuredClone(options.view);
  if (options.callbackId) payload.view.callback_id = options.callbackId;
  if (options.privateMetadata !== undefined) payload.view.private_metadata = options.privateMetadata;
  if (options.values) payload.view.state = { values: options.values };
  if (options.viewId) payload.view = { ...payload.view, id: options.viewId, root_view_id: options.viewId };
  withUser(payload, options.user);
  withTeam(payload, options);
  if (options.triggerId) payload.trigger_id = options.triggerId;
  return payload;
}

/** A view_closed payload: the user dismissed a modal whose view has notify_on_close. */
export function viewClosed(options: TeamOptions & { view: Json; user?: UserOption }): Json {
  const submission = viewSubmission({ ...options, view: options.view });
  return {
    type: "view_closed",
    team: submission.team,
    user: submission.user,
    api_app_id: submission.api_app_id,
    token: submission.token,
    view: submission.view,
    is_cleared: false,
    is_enterprise_install: false,
    enterprise: null,
  };
}

let eventCounter = 0;
const nextEventId = () => `Ev0TEST${String(++eventCounter).padStart(5, "0")}`;

export type MessageEventOptions = TeamOptions & {
  user?: string;
  text?: string;
  channel?: string;
  ts?: string;
  /** null for a top-level message. */
  threadTs?: string | null;
  /** The user id of the thread's root author (Slack's parent_user_id). */
  parentUserId?: string;
  eventId?: string;
};

/** An Events API event_callback envelope with a message event (the example: a thread reply). */
export function messageEvent(options: MessageEventOptions = {}): Json {
  const envelope = structuredClone(MESSAGE_EVENT_EXAMPLE) as Json & { event: Json };
  const event = envelope.event;
  if (options.user) event.user = options.user;
  if (options.text !== undefined) {
    event.text = options.text;
    event.blocks = [
      {
        type: "rich_text",
        block_id: "Xq1",
        elements: [{ type: "rich_text_section", elements: [{ type: "text", text: options.text }] }],
      },
    ];
  }
  if (options.channel) event.channel = options.channel;
  if (options.ts) {
    event.ts = options.ts;
    event.event_ts = options.ts;
    envelope.event_time = Math.floor(Number(options.ts));
  }
  if (options.threadTs === null) {
    delete event.thread_ts;
    delete event.parent_user_id;
  } else if (options.threadTs) event.thread_ts = options.threadTs;
  if (options.parentUserId && event.thread_ts !== undefined) event.parent_user_id = options.parentUserId;
  if (options.team) {
    envelope.team_id = options.team.id;
    envelope.context_team_id = options.team.id;
    event.team = options.team.id;
  }
  if (options.apiAppId) envelope.api_app_id = options.apiAppId;
  envelope.event_id = options.eventId ?? nextEventId();
  return envelope;
}

/** An event_callback envelope with app_home_opened. */
export function appHomeOpened(
  options: { user?: string; tab?: "home" | "messages"; eventId?: string } = {},
): Json {
  const envelope = structuredClone(APP_HOME_OPENED_EXAMPLE) as Json & { event: Json };
  if (options.user) envelope.event.user = options.user;
  if (options.tab) envelope.event.tab = options.tab;
  envelope.event_id = options.eventId ?? nextEventId();
  return envelope;
}

/** The url_verification handshake Slack sends when the Request URL is saved. */
export function urlVerification(challenge?: string): Json {
  const body: Json = structuredClone(URL_VERIFICATION_EXAMPLE);
  if (challenge) body.challenge = challenge;
  return body;
}

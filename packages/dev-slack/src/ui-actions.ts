// What the page's POSTs do: each turns something the acting user did into the signed request Slack
// would send the app (slash command, message event, block_actions, view_submission, view_closed)
// and shows the outcome the way Slack does (the command's acknowledgement and response_url posts,
// Slackbot's "failed with the error", modal errors/updates).
import { z } from "zod";
import type { UiChannel, UiUser } from "./client/types.ts";
import { type Actor, clickPayload, commandFields, splitCommand, submissionPayload } from "./interactions.ts";
import type { Modals } from "./modals.ts";
import { messageEvent, viewClosed } from "./payloads.ts";
import { type Relay, sendCommand, sendEvent, sendInteraction } from "./relay.ts";
import { applyResponse } from "./response-urls.ts";
import type { FakeSlackInternals } from "./web-api.ts";
import type { WorkspaceIdentity } from "./workspace.ts";

export type UiResult = { ok: true } | { ok: false; error: string };

export type UiDeps = {
  internals: FakeSlackInternals;
  identity: WorkspaceIdentity;
  modals: Modals;
  relay: Relay;
  users: readonly UiUser[];
  channels: readonly UiChannel[];
  commands: readonly string[];
  changed(): void;
};

const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;
const Base = z.object({ user: z.string() });
export const CommandBody = Base.extend({ channel: z.string().regex(CHANNEL_ID), text: z.string().min(1) });
export const MessageBody = CommandBody.extend({ threadTs: z.string().nullish() });
export const ClickBody = Base.extend({
  channel: z.string().regex(CHANNEL_ID),
  ts: z.string(),
  ephemeral: z.boolean(),
  block: z.number().int().min(0),
  element: z.string(),
  selected: z.string().nullish(),
});
export const SubmitBody = Base.extend({
  viewId: z.string(),
  inputs: z.array(z.object({ blockId: z.string(), actionId: z.string(), value: z.string() })).default([]),
});
export const CloseBody = Base.extend({ viewId: z.string() });

const fail = (error: string): UiResult => ({ ok: false, error });
const SLACKBOT = "USLACKBOT";

export function createUiActions(d: UiDeps) {
  const ws = d.internals.workspace;
  const actor = (id: string): Actor | null => {
    const user = d.users.find((u) => u.id === id);
    return user ? { user, identity: d.identity } : null;
  };
  const channelOf = (id: string): UiChannel => d.channels.find((c) => c.id === id) ?? { id, name: id };
  const slackbot = (channel: string, user: string, text: string) => {
    const ts = ws.nextTs(channel);
    ws.ephemerals.push({
      channel,
      user,
      ts,
      message: { type: "message", ts, user: SLACKBOT, text, team: d.identity.teamId },
    });
  };
  const actionTs = () => (d.internals.clock.now() / 1000).toFixed(6);

  return {
    async command(body: z.infer<typeof CommandBody>): Promise<UiResult> {
      const who = actor(body.user);
      if (!who) return fail(`unknown user ${body.user}`);
      const channel = channelOf(body.channel);
      const { command, text } = splitCommand(body.text);
      if (!d.commands.includes(command)) {
        slackbot(
          channel.id,
          who.user.id,
          `\`${command}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
        );
        d.changed();
        return { ok: true };
      }
      const context = { channel: channel.id, user: who.user.id };
      const fields = commandFields(who, {
        channel,
        command,
        text,
        responseUrl: d.internals.issueResponseUrl(context),
        triggerId: d.modals.issueTrigger(who.user.id),
      });
      const answer = await sendCommand(d.relay, fields);
      if (!answer.ok) {
        slackbot(
          channel.id,
          who.user.id,
          `${command} failed with the error "${answer.error}"\n_(${answer.detail})_`,
        );
      } else if (answer.ack) applyResponse(ws, context, answer.ack);
      d.changed();
      return { ok: true };
    },

    async message(body: z.infer<typeof MessageBody>): Promise<UiResult> {
      const who = actor(body.user);
      if (!who) return fail(`unknown user ${body.user}`);
      const threadTs = body.threadTs ?? undefined;
      const message = ws.addMessage(body.channel, {
        user: who.user.id,
        text: body.text,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      d.changed();
      if (!d.relay.url()) return { ok: true };
      const root = threadTs ? ws.findMessage(body.channel, threadTs) : undefined;
      const answer = await sendEvent(
        d.relay,
        messageEvent({
          team: { id: d.identity.teamId, domain: d.identity.teamDomain },
          apiAppId: d.identity.appId,
          user: who.user.id,
          text: body.text,
          channel: body.channel,
          ts: message.ts,
          threadTs: message.thread_ts ?? null,
          ...(root ? { parentUserId: root.user } : {}),
        }),
      );
      return answer.ok ? { ok: true } : fail(`The app did not take the message event: ${answer.detail}`);
    },

    async click(body: z.infer<typeof ClickBody>): Promise<UiResult> {
      const who = actor(body.user);
      if (!who) return fail(`unknown user ${body.user}`);
      const message = body.ephemeral
        ? ws.ephemerals.find((e) => e.channel === body.channel && e.ts === body.ts && e.user === who.user.id)
            ?.message
        : ws.findMessage(body.channel, body.ts);
      if (!message) return fail("That message is gone.");
      const threadTs = message.thread_ts;
      const payload = clickPayload(who, {
        channel: channelOf(body.channel),
        message,
        ephemeral: body.ephemeral,
        block: body.block,
        element: body.element,
        selected: body.selected ?? null,
        triggerId: d.modals.issueTrigger(who.user.id),
        responseUrl: d.internals.issueResponseUrl({
          channel: body.channel,
          user: who.user.id,
          source: { ts: body.ts, ephemeral: body.ephemeral },
          ...(threadTs ? { threadTs } : {}),
        }),
        actionTs: actionTs(),
      });
      if ("error" in payload && typeof payload.error === "string") return fail(payload.error);
      const answer = await sendInteraction(d.relay, payload);
      return answer.ok
        ? { ok: true }
        : fail(`The app did not answer the click (${answer.error}): ${answer.detail}`);
    },

    async submit(body: z.infer<typeof SubmitBody>): Promise<UiResult> {
      const who = actor(body.user);
      if (!who) return fail(`unknown user ${body.user}`);
      const view = d.modals.top(who.user.id, body.viewId);
      if (!view) return fail("That modal is no longer open.");
      const payload = submissionPayload(who, {
        view,
        inputs: body.inputs,
        triggerId: d.modals.issueTrigger(who.user.id),
      });
      view.state = (payload.view as { state: unknown }).state;
      const answer = await sendInteraction(d.relay, payload);
      if (!answer.ok) return fail(`We had some trouble connecting (${answer.error}): ${answer.detail}`);
      const outcome = d.modals.acknowledge(who.user.id, body.viewId, answer.ack);
      d.changed();
      return outcome === "invalid"
        ? fail(
            `The app answered the submission with an invalid response_action: ${JSON.stringify(answer.ack)}`,
          )
        : { ok: true };
    },

    async close(body: z.infer<typeof CloseBody>): Promise<UiResult> {
      const who = actor(body.user);
      if (!who) return fail(`unknown user ${body.user}`);
      const view = d.modals.top(who.user.id, body.viewId);
      if (!view) return { ok: true };
      d.modals.pop(who.user.id);
      d.changed();
      if (view.notify_on_close !== true) return { ok: true };
      const answer = await sendInteraction(
        d.relay,
        viewClosed({
          team: { id: d.identity.teamId, domain: d.identity.teamDomain },
          apiAppId: d.identity.appId,
          view,
          user: { id: who.user.id, username: who.user.name },
        }),
      );
      return answer.ok ? { ok: true } : fail(`The app did not take view_closed: ${answer.detail}`);
    },
  };
}

export type UiActions = ReturnType<typeof createUiActions>;

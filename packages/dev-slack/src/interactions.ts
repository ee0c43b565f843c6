// The requests Slack sends the app when someone uses the workspace, built from what is on screen:
// the slash command's form fields, block_actions for a click on a message element (with the
// container, channel, message, trigger_id and response_url), view_submission with state.values.
// Pure.
import { plainText } from "./client/blocks.ts";
import { blockIdOf } from "./client/ids.ts";
import type { UiChannel, UiUser } from "./client/types.ts";
import {
  blockActions,
  type Json,
  type SlashCommandFields,
  slashCommand,
  viewSubmission,
} from "./payloads.ts";
import { type PageInput, stateValues } from "./view-state.ts";
import type { SlackMessage, StoredView, WorkspaceIdentity } from "./workspace.ts";

export type Actor = { user: UiUser; identity: WorkspaceIdentity };

const team = (identity: WorkspaceIdentity) => ({
  team: { id: identity.teamId, domain: identity.teamDomain },
  apiAppId: identity.appId,
});
const userOf = (user: UiUser) => ({ id: user.id, username: user.name });

/** "/rdev mem status" -> { command: "/rdev", text: "mem status" }. */
export function splitCommand(line: string): { command: string; text: string } {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  return space < 0
    ? { command: trimmed.toLowerCase(), text: "" }
    : { command: trimmed.slice(0, space).toLowerCase(), text: trimmed.slice(space + 1).trim() };
}

export function commandFields(
  actor: Actor,
  o: { channel: UiChannel; command: string; text: string; responseUrl: string; triggerId: string },
): SlashCommandFields {
  const { identity, user } = actor;
  return slashCommand({
    team_id: identity.teamId,
    team_domain: identity.teamDomain,
    channel_id: o.channel.id,
    channel_name: o.channel.name,
    user_id: user.id,
    user_name: user.name,
    command: o.command,
    text: o.text,
    api_app_id: identity.appId,
    response_url: o.responseUrl,
    trigger_id: o.triggerId,
  });
}

/** The block_actions action object for an element (button, static_select, overflow). */
export function actionOf(
  element: Json,
  blockId: string,
  selected: string | null,
  actionTs: string,
): Json | { error: string } {
  const base = { type: element.type, action_id: element.action_id, block_id: blockId, action_ts: actionTs };
  if (element.type === "button") {
    return {
      ...base,
      text: element.text,
      ...(element.value !== undefined ? { value: element.value } : {}),
      ...(element.style !== undefined ? { style: element.style } : {}),
      ...(element.url !== undefined ? { url: element.url } : {}),
    };
  }
  if (element.type === "static_select" || element.type === "overflow") {
    const options = [
      ...(Array.isArray(element.options) ? element.options : []),
      ...(Array.isArray(element.option_groups)
        ? element.option_groups.flatMap((g: { options?: unknown[] }) => g.options ?? [])
        : []),
    ] as Json[];
    const option = options.find((o) => o.value === selected);
    if (!option) return { error: `no option ${JSON.stringify(selected)} in ${String(element.action_id)}` };
    return { ...base, selected_option: { text: option.text, value: option.value } };
  }
  return { error: `clicking a ${String(element.type)} is not supported` };
}

export type Click = {
  channel: UiChannel;
  message: SlackMessage;
  ephemeral: boolean;
  block: number;
  /** "accessory" or the index in an actions block. */
  element: string;
  selected: string | null;
  triggerId: string;
  responseUrl: string;
  actionTs: string;
};

/** block_actions for a click, or an error when the element is not there (the message changed). */
export function clickPayload(actor: Actor, c: Click): Json | { error: string } {
  const block = c.message.blocks?.[c.block] as Json | undefined;
  const element = (
    c.element === "accessory"
      ? block?.accessory
      : Array.isArray(block?.elements)
        ? block.elements[Number(c.element)]
        : undefined
  ) as Json | undefined;
  if (!block || !element) return { error: "That message has changed; the element is no longer there." };
  const action = actionOf(element, blockIdOf(block, c.block), c.selected, c.actionTs);
  if ("error" in action) return action;
  const threadTs = c.message.thread_ts;
  return blockActions({
    ...team(actor.identity),
    action,
    user: userOf(actor.user),
    channelId: c.channel.id,
    channelName: c.channel.name,
    message: c.ephemeral ? null : (c.message as unknown as Json),
    messageTs: c.message.ts,
    threadTs: threadTs ?? null,
    isEphemeral: c.ephemeral,
    triggerId: c.triggerId,
    responseUrl: c.responseUrl,
  });
}

export function submissionPayload(
  actor: Actor,
  o: { view: StoredView; inputs: readonly PageInput[]; triggerId: string },
): Json {
  const values = stateValues(o.view, o.inputs);
  return viewSubmission({
    ...team(actor.identity),
    view: { ...o.view, state: { values } },
    values,
    user: userOf(actor.user),
    triggerId: o.triggerId,
  });
}

/** A label for a view in messages to the person at the page. */
export const viewTitle = (view: StoredView): string => plainText(view.title) || view.id;

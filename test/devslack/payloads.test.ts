// The payload examples in src/ are the real payloads in test/fixtures/slack/, and the dev
// workspace's builders fill Slack's documented fields from what is on screen.
import { readFileSync } from "node:fs";
import {
  actionOf,
  clickPayload,
  commandFields,
  splitCommand,
  submissionPayload,
} from "@rdev/dev-slack/interactions.ts";
import * as examples from "@rdev/dev-slack/payload-examples.ts";
import { viewClosed } from "@rdev/dev-slack/payloads.ts";
import { parseAck } from "@rdev/dev-slack/relay.ts";
import { stateValues } from "@rdev/dev-slack/view-state.ts";
import type { SlackMessage, StoredView } from "@rdev/dev-slack/workspace.ts";
import { describe, expect, it } from "vitest";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), "utf8"));

const identity = {
  teamId: "T0LOCAL001",
  teamDomain: "local",
  botUserId: "U0RDEVBOT1",
  botId: "B0RDEVBOT1",
  appId: "A0LOCAL001",
};
const actor = { user: { id: "U0ONCALL1", name: "alice", title: "on-call" }, identity };
const channel = { id: "C0RDEVOPS1", name: "rdev-ops" };

describe("payload examples", () => {
  it.each([
    ["slash-command.json", examples.SLASH_COMMAND_EXAMPLE],
    ["block-actions.json", examples.BLOCK_ACTIONS_EXAMPLE],
    ["view-submission.json", examples.VIEW_SUBMISSION_EXAMPLE],
    ["event-message.json", examples.MESSAGE_EVENT_EXAMPLE],
    ["event-app-home-opened.json", examples.APP_HOME_OPENED_EXAMPLE],
    ["url-verification.json", examples.URL_VERIFICATION_EXAMPLE],
  ])("equal test/fixtures/slack/%s", (name, example) => {
    expect(example).toEqual(fixture(name));
  });
});

describe("slash commands", () => {
  it("split the command from its text", () => {
    expect(splitCommand("  /RDEV   mem status ")).toEqual({ command: "/rdev", text: "mem status" });
    expect(splitCommand("/rdev")).toEqual({ command: "/rdev", text: "" });
  });

  it("carry the user, channel, workspace, response_url and trigger_id", () => {
    expect(
      commandFields(actor, {
        channel,
        command: "/rdev",
        text: "help",
        responseUrl: "http://r/1",
        triggerId: "1.2.a",
      }),
    ).toEqual({
      token: examples.SLASH_COMMAND_EXAMPLE.token,
      team_id: "T0LOCAL001",
      team_domain: "local",
      channel_id: "C0RDEVOPS1",
      channel_name: "rdev-ops",
      user_id: "U0ONCALL1",
      user_name: "alice",
      command: "/rdev",
      text: "help",
      api_app_id: "A0LOCAL001",
      is_enterprise_install: "false",
      response_url: "http://r/1",
      trigger_id: "1.2.a",
    });
  });
});

describe("block_actions", () => {
  const button = {
    type: "button",
    action_id: "rdev_approve:restart-pod",
    text: { type: "plain_text", text: "Restart pod" },
    value: "p-1",
    style: "danger",
    confirm: { title: { type: "plain_text", text: "Sure?" } },
  };
  const message: SlackMessage = {
    type: "message",
    ts: "1764125463.000200",
    user: "U0RDEVBOT1",
    bot_id: "B0RDEVBOT1",
    text: "proposal",
    team: "T0LOCAL001",
    thread_ts: "1764125463.000100",
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: "x" }, accessory: button },
      {
        type: "actions",
        block_id: "more",
        elements: [
          button,
          {
            type: "static_select",
            action_id: "pick",
            options: [{ text: { type: "plain_text", text: "Two" }, value: "2" }],
          },
        ],
      },
    ],
  };
  const click = (extra: Partial<Parameters<typeof clickPayload>[1]> = {}) =>
    clickPayload(actor, {
      channel,
      message,
      ephemeral: false,
      block: 0,
      element: "accessory",
      selected: null,
      triggerId: "1.2.t",
      responseUrl: "http://r/2",
      actionTs: "1764125490.412843",
      ...extra,
    });

  it("describe the clicked button, the message, its container and thread", () => {
    const payload = click();
    expect(payload).toMatchObject({
      type: "block_actions",
      user: { id: "U0ONCALL1", username: "alice", name: "alice", team_id: "T0LOCAL001" },
      team: { id: "T0LOCAL001", domain: "local" },
      api_app_id: "A0LOCAL001",
      container: {
        type: "message",
        message_ts: message.ts,
        channel_id: "C0RDEVOPS1",
        is_ephemeral: false,
        thread_ts: "1764125463.000100",
      },
      channel: { id: "C0RDEVOPS1", name: "rdev-ops" },
      message: { ts: message.ts, text: "proposal", blocks: message.blocks },
      trigger_id: "1.2.t",
      response_url: "http://r/2",
    });
    // Slack's action object: no confirm, a block_id even when the block has none.
    expect((payload as { actions: unknown[] }).actions).toEqual([
      {
        type: "button",
        action_id: "rdev_approve:restart-pod",
        block_id: "blk0",
        text: button.text,
        value: "p-1",
        style: "danger",
        action_ts: "1764125490.412843",
      },
    ]);
  });

  it("leave the message out for an ephemeral message, and send a select's chosen option", () => {
    const payload = click({ ephemeral: true, block: 1, element: "1", selected: "2" }) as Record<
      string,
      unknown
    >;
    expect(payload.message).toBeUndefined();
    expect(payload.container).toMatchObject({ is_ephemeral: true });
    expect(payload.actions).toEqual([
      {
        type: "static_select",
        action_id: "pick",
        block_id: "more",
        action_ts: "1764125490.412843",
        selected_option: { text: { type: "plain_text", text: "Two" }, value: "2" },
      },
    ]);
  });

  it("refuse elements that are not there or options that do not exist", () => {
    expect(click({ block: 5 })).toEqual({ error: expect.stringContaining("no longer there") });
    expect(click({ block: 1, element: "1", selected: "9" })).toEqual({
      error: expect.stringContaining("no option"),
    });
    expect(actionOf({ type: "datepicker" }, "b", null, "1.0")).toEqual({
      error: expect.stringContaining("datepicker"),
    });
  });
});

describe("view_submission", () => {
  const view = {
    id: "V0000000001",
    hash: "1.abc",
    type: "modal",
    callback_id: "rdev_approve_params",
    private_metadata: '{"p":"x"}',
    title: { type: "plain_text", text: "Raise memory limit" },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: "about" } },
      {
        type: "input",
        block_id: "value",
        element: { type: "plain_text_input", action_id: "value", initial_value: "1Gi" },
      },
      {
        type: "input",
        block_id: "note",
        optional: true,
        element: { type: "plain_text_input", action_id: "n" },
      },
      {
        type: "input",
        element: {
          type: "static_select",
          action_id: "why",
          initial_option: { text: { type: "plain_text", text: "Leak" }, value: "leak" },
          options: [
            { text: { type: "plain_text", text: "Leak" }, value: "leak" },
            { text: { type: "plain_text", text: "Traffic" }, value: "traffic" },
          ],
        },
      },
      {
        type: "input",
        block_id: "n",
        element: { type: "number_input", action_id: "count", is_decimal_allowed: false },
      },
    ],
  } as unknown as StoredView;

  it("state.values has every input: typed values, initial ones, null when empty", () => {
    expect(
      stateValues(view, [
        { blockId: "value", actionId: "value", value: "2Gi" },
        { blockId: "n", actionId: "count", value: "3" },
      ]),
    ).toEqual({
      value: { value: { type: "plain_text_input", value: "2Gi" } },
      note: { n: { type: "plain_text_input", value: null } },
      blk3: {
        why: {
          type: "static_select",
          selected_option: { text: { type: "plain_text", text: "Leak" }, value: "leak" },
        },
      },
      n: { count: { type: "number_input", value: "3" } },
    });
    expect(stateValues(view, [{ blockId: "blk3", actionId: "why", value: "" }]).blk3).toEqual({
      why: { type: "static_select", selected_option: null },
    });
  });

  it("carries the stored view with its state, the user and a fresh trigger id", () => {
    const payload = submissionPayload(actor, {
      view,
      inputs: [{ blockId: "value", actionId: "value", value: "3Gi" }],
      triggerId: "1.2.s",
    });
    expect(payload).toMatchObject({
      type: "view_submission",
      user: { id: "U0ONCALL1", username: "alice" },
      team: { id: "T0LOCAL001", domain: "local" },
      api_app_id: "A0LOCAL001",
      trigger_id: "1.2.s",
      view: {
        id: "V0000000001",
        callback_id: "rdev_approve_params",
        private_metadata: '{"p":"x"}',
        hash: "1.abc",
        state: { values: { value: { value: { type: "plain_text_input", value: "3Gi" } } } },
      },
    });
  });

  it("view_closed carries the view and the user", () => {
    expect(viewClosed({ view, user: { id: "U0ONCALL1", username: "alice" } })).toMatchObject({
      type: "view_closed",
      is_cleared: false,
      user: { id: "U0ONCALL1" },
      view: { id: "V0000000001", callback_id: "rdev_approve_params" },
    });
  });
});

describe("acknowledgements", () => {
  it.each([
    [
      "application/json",
      '{"response_action":"errors","errors":{"a":"b"}}',
      { response_action: "errors", errors: { a: "b" } },
    ],
    ["text/plain", "Working on it", { text: "Working on it" }],
    ["application/json", "", null],
    ["text/plain", "  ", null],
  ])("%s %j", (contentType, body, expected) => {
    expect(parseAck(contentType, body)).toEqual(expected);
  });
});

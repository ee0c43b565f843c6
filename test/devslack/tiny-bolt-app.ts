// A tiny real Bolt app (HTTPReceiver on 127.0.0.1:0, Web API at the dev workspace) for driving the
// dev workspace's page without the real bot: /rdev posts a message with a header, a section with
// fields, context and actions (a button with a confirm dialog, a button that opens a modal), plus
// a PNG chart and a text file in its thread; the click updates the message; the modal validates
// its input (response_action errors) and answers in the thread.
import type { AddressInfo } from "node:net";
import { Resvg } from "@resvg/resvg-js";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

export type TinyApp = { url: string; seen: string[]; stop(): Promise<void> };

/** Untrusted-looking text, escaped as Slack requires (&lt; &gt;): it must show literally. */
export const HOSTILE = "&lt;img src=x onerror=alert(1)&gt;";

function chartPng(): Buffer {
  const bars = [40, 55, 62, 70, 81, 91]
    .map((v, i) => `<rect x="${20 + i * 45}" y="${140 - v}" width="30" height="${v}" fill="#e01e5a"/>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="160"><rect width="300" height="160" fill="#fff"/>${bars}<line x1="10" y1="60" x2="290" y2="60" stroke="#1d1c1d" stroke-dasharray="4"/></svg>`;
  return Buffer.from(new Resvg(svg).render().asPng());
}

function alertBlocks() {
  return [
    { type: "header", text: { type: "plain_text", text: ":rotating_light: RdevAPIHighMemory", emoji: true } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*rdev-api* is at _91%_ of its memory limit, ~not yet~ OOMKilled. See <https://example.com/runbook|the runbook>, <@U0ONCALL1>.\n\`\`\`pod                  memory\nrdev-api-7d9f-x2k4q  930Mi\`\`\``,
      },
      fields: [
        { type: "mrkdwn", text: "*Pod*\n`rdev-api-7d9f-x2k4q`" },
        { type: "mrkdwn", text: "*Memory*\n930Mi / 1Gi" },
        { type: "mrkdwn", text: "*Restarts*\n3" },
        { type: "mrkdwn", text: `*Note*\n${HOSTILE}` },
      ],
    },
    { type: "divider" },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: ":warning: Fired at 03:12 UTC in namespace `rdev`" }],
    },
    {
      type: "actions",
      block_id: "remedies",
      elements: [
        {
          type: "button",
          action_id: "restart",
          style: "danger",
          value: "pod-uid-1",
          text: { type: "plain_text", text: "Restart pod" },
          confirm: {
            title: { type: "plain_text", text: "Restart pod?" },
            text: {
              type: "mrkdwn",
              text: "This deletes `rdev-api-7d9f-x2k4q`; its replacement starts fresh.",
            },
            confirm: { type: "plain_text", text: "Restart" },
            deny: { type: "plain_text", text: "Keep it" },
            style: "danger",
          },
        },
        {
          type: "button",
          action_id: "open_modal",
          style: "primary",
          value: "raise",
          text: { type: "plain_text", text: "Raise limit…" },
        },
      ],
    },
  ];
}

export async function startTinyApp(o: {
  signingSecret: string;
  token: string;
  apiUrl: string;
}): Promise<TinyApp> {
  const seen: string[] = [];
  const receiver = new HTTPReceiver({ signingSecret: o.signingSecret, logLevel: LogLevel.ERROR });
  const app = new App({
    token: o.token,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: o.apiUrl },
  });

  app.command("/rdev", async ({ ack, command, client }) => {
    seen.push(`command ${command.user_id} ${command.text}`);
    await ack({ response_type: "ephemeral", text: "Looking at *rdev-api*…" });
    const posted = await client.chat.postMessage({
      channel: command.channel_id,
      text: "RdevAPIHighMemory: rdev-api at 91% of its memory limit",
      blocks: alertBlocks(),
    });
    await client.files.uploadV2({
      channel_id: command.channel_id,
      thread_ts: String(posted.ts),
      file_uploads: [
        { file: chartPng(), filename: "memory.png", title: "Memory, last 30 minutes" },
        { file: Buffer.from("inuse_space 812MB\n"), filename: "heap-summary.txt", title: "Heap summary" },
      ],
    });
  });

  app.action("restart", async ({ ack, body, client }) => {
    await ack();
    if (body.type !== "block_actions" || !body.message || !body.channel) return;
    seen.push(`restart ${body.user.id}`);
    const blocks = (body.message.blocks as { type: string }[]).filter((b) => b.type !== "actions");
    await client.chat.update({
      channel: body.channel.id,
      ts: body.message.ts,
      text: "restarted",
      blocks: [
        ...blocks,
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: `:white_check_mark: <@${body.user.id}> restarted the pod` }],
        },
      ],
    });
  });

  app.action("open_modal", async ({ ack, body, client }) => {
    await ack();
    if (body.type !== "block_actions" || !body.message || !body.channel) return;
    seen.push(`open_modal ${body.user.id}`);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: "raise",
        private_metadata: JSON.stringify({ channel: body.channel.id, ts: body.message.ts }),
        title: { type: "plain_text", text: "Raise memory limit" },
        submit: { type: "plain_text", text: "Raise" },
        close: { type: "plain_text", text: "Cancel" },
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: "Raise the limit of *rdev/rdev-api*." } },
          {
            type: "input",
            block_id: "limit",
            label: { type: "plain_text", text: "New memory limit" },
            hint: { type: "plain_text", text: "A quantity, like 2Gi" },
            element: { type: "plain_text_input", action_id: "value", initial_value: "1Gi" },
          },
          {
            type: "input",
            block_id: "reason",
            label: { type: "plain_text", text: "Reason" },
            element: {
              type: "static_select",
              action_id: "choice",
              placeholder: { type: "plain_text", text: "Pick one" },
              options: [
                { text: { type: "plain_text", text: "Memory leak" }, value: "leak" },
                { text: { type: "plain_text", text: "More traffic" }, value: "traffic" },
              ],
            },
          },
        ],
      },
    });
  });

  app.view("raise", async ({ ack, view, body, client }) => {
    const limit = view.state.values.limit?.value?.value ?? "";
    const reason = view.state.values.reason?.choice?.selected_option?.text.text ?? "none";
    seen.push(`submit ${body.user.id} ${limit} ${reason}`);
    if (!/^\d+(Mi|Gi)$/.test(limit)) {
      await ack({ response_action: "errors", errors: { limit: "Use a quantity like 2Gi" } });
      return;
    }
    await ack();
    const where = JSON.parse(view.private_metadata) as { channel: string; ts: string };
    await client.chat.postMessage({
      channel: where.channel,
      thread_ts: where.ts,
      text: `Raised the limit to \`${limit}\` (reason: ${reason}) for <@${body.user.id}>`,
    });
  });

  const server = await app.start({ port: 0, host: "127.0.0.1" });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    seen,
    stop: async () => {
      await app.stop();
    },
  };
}

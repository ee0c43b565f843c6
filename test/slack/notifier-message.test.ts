import { type NotifierEvent, notifierAlert } from "@rdev/bot/slack/alerts/notifier-message.ts";
import { describe, expect, it } from "vitest";

const options = { alertName: "RdevAPIHighMemory", watchChannels: ["C0ALERTS01"], ownBotId: "B0RDEVBOT1" };
const base: NotifierEvent = {
  type: "message",
  subtype: "bot_message",
  channel: "C0ALERTS01",
  ts: "1764125463.000100",
  bot_id: "B0ALERTMGR",
  text: "",
  attachments: [{ title: "[FIRING:2] RdevAPIHighMemory rdev (rdev-api warning)", fallback: "", text: "" }],
};

describe("notifierAlert", () => {
  it("recognises Alertmanager's default Slack message", () => {
    expect(notifierAlert(base, options)).toEqual({
      channel: "C0ALERTS01",
      ts: "1764125463.000100",
      status: "firing",
    });
  });

  it.each<[string, NotifierEvent, "firing" | "resolved" | null]>([
    ["an app bot without subtype (chat.postMessage)", { ...base, subtype: undefined }, "firing"],
    ["the name in the text only", { ...base, attachments: [], text: "*RdevAPIHighMemory* firing" }, "firing"],
    [
      "the name in the fallback only",
      { ...base, attachments: [{ fallback: "[FIRING:1] RdevAPIHighMemory | http://am" }] },
      "firing",
    ],
    [
      "a resolved notification",
      { ...base, attachments: [{ title: "[RESOLVED] RdevAPIHighMemory rdev" }] },
      "resolved",
    ],
    ["another alert", { ...base, attachments: [{ title: "[FIRING:1] KubePodCrashLooping" }] }, null],
    ["a longer alert name", { ...base, attachments: [{ title: "[FIRING:1] RdevAPIHighMemoryTest" }] }, null],
    ["a human", { ...base, bot_id: undefined, subtype: undefined }, null],
    ["the bot itself", { ...base, bot_id: "B0RDEVBOT1" }, null],
    ["an edit", { ...base, subtype: "message_changed" }, null],
    ["a thread reply", { ...base, thread_ts: "1764125400.000100" }, null],
    ["an unwatched channel", { ...base, channel: "C0OTHER001" }, null],
  ])("%s", (_name, event, status) => {
    expect(notifierAlert(event, options)?.status ?? null).toBe(status);
  });
});

import { ConfigError, loadAppConfig } from "@rdev/bot/config.ts";
import { describe, expect, it } from "vitest";

const minimal = {
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  ALERT_CHANNEL: "C0RDEVALRT",
  ALERTMANAGER_TOKEN: "am-token-0123456789abcdef",
  REDIS_URL: "redis://127.0.0.1:6379",
};

function problems(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadAppConfig", () => {
  it("has the documented defaults", () => {
    const c = loadAppConfig(minimal);
    expect(c.slack).toEqual({
      mode: "http",
      botToken: "xoxb-1-2-abc",
      signingSecret: minimal.SLACK_SIGNING_SECRET,
      appToken: null,
      apiUrl: null,
    });
    expect(c.http).toEqual({ port: 3000, host: "0.0.0.0" });
    expect(c.approval).toEqual({
      approverUserIds: [],
      approverGroupIds: [],
      anyoneMayApprove: false,
      fourEyesActions: ["rolling-restart", "raise-memory-limit", "set-cache-ttl"],
    });
    expect(c.proposalTtlMs).toBe(30 * 60_000);
    expect(c.rootUpdateMinIntervalMs).toBe(10_000);
    expect(c.watchChannels).toEqual([]);
    expect(c.runbook.target.deployment).toBe("rdev-api");
  });

  it("reads lists, flags, durations and the API URL", () => {
    const c = loadAppConfig({
      ...minimal,
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      APPROVER_USER_IDS: "U0LEAD0001, W0LEAD0002",
      APPROVER_GROUP_IDS: "S0ONCALL01",
      APPROVE_ANYONE: "yes",
      FOUR_EYES_ACTIONS: "restart-pod rolling-restart",
      PROPOSAL_TTL: "15m",
      WATCH_CHANNELS: "C0ALERTS01,G0PRIVATE1",
      ROOT_UPDATE_MIN_INTERVAL: "500ms",
      PORT: "8081",
    });
    expect(c.slack.apiUrl).toBe("http://127.0.0.1:9999/api/");
    expect(c.approval).toEqual({
      approverUserIds: ["U0LEAD0001", "W0LEAD0002"],
      approverGroupIds: ["S0ONCALL01"],
      anyoneMayApprove: true,
      fourEyesActions: ["restart-pod", "rolling-restart"],
    });
    expect(c.proposalTtlMs).toBe(15 * 60_000);
    expect(c.watchChannels).toEqual(["C0ALERTS01", "G0PRIVATE1"]);
    expect(c.rootUpdateMinIntervalMs).toBe(500);
    expect(c.http.port).toBe(8081);
  });

  it("needs the signing secret in http mode and the app token in socket mode", () => {
    const { SLACK_SIGNING_SECRET: _s, ...noSecret } = minimal;
    expect(problems(noSecret)).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET: is required in http mode/),
    ]);
    expect(problems({ ...noSecret, SLACK_MODE: "socket" })).toEqual([
      expect.stringMatching(/^SLACK_APP_TOKEN: is required in socket mode/),
    ]);
    expect(
      loadAppConfig({ ...noSecret, SLACK_MODE: "socket", SLACK_APP_TOKEN: "xapp-1-A1-2-abc" }).slack.appToken,
    ).toBe("xapp-1-A1-2-abc");
  });

  it("lists every problem, runbook and app settings alike, without echoing secrets", () => {
    const list = problems({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      MEMORY_WARNING_PERCENT: "150",
      APPROVER_USER_IDS: "U0LEAD0001,lead",
      FOUR_EYES_ACTIONS: "reboot",
      PROPOSAL_TTL: "soon",
      SLACK_MODE: "websocket",
    });
    const keys = list.map((p) => p.split(":")[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        "MEMORY_WARNING_PERCENT",
        "SLACK_BOT_TOKEN",
        "SLACK_MODE",
        "SLACK_SIGNING_SECRET",
        "ALERT_CHANNEL",
        "ALERTMANAGER_TOKEN",
        "REDIS_URL",
        "APPROVER_USER_IDS",
        "FOUR_EYES_ACTIONS",
        "PROPOSAL_TTL",
      ]),
    );
    expect(list.join("\n")).not.toContain("xoxp-user-token");
    expect(list.find((p) => p.startsWith("ALERT_CHANNEL"))).toBe("ALERT_CHANNEL: is required");
  });
});

// Silencing an incident from its root, against a real Alertmanager: only approvers may; the silence
// exists in Alertmanager (amtool sees it, with the incident's matchers and the person); the root says
// who silenced and until when, and offers Unsilence. Silenced alerts send no notification, not even
// their resolution (prometheus/alertmanager#226), so the bot's silence watch learns it from the API:
// the incident still resolves, with the worker's review, and its silence ends with it.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { summariseIncident } from "@rdev/bot/history/summary.ts";
import { afterEach, describe, expect, it } from "vitest";
import { setYamlValues } from "../alerts/rewrite.ts";
import { RECEIVER_FILE, run } from "../alerts/tools.ts";
import {
  alertmanagerBinary,
  alertmanagerDir,
  amtoolBinary,
  startAlertmanager,
  type TestAlertmanager,
} from "../support/alertmanager.ts";
import { blockActions, signedInteraction } from "../support/slack-sign.ts";
import { ALERT_CHANNEL, AM_TOKEN, APPROVER, SIGNING_SECRET, type Stack, startStack } from "./stack.ts";
import { waitFor } from "./wait.ts";

const STRANGER = "U0E2ESTRNG";

type Silence = {
  id: string;
  status: { state: string };
  createdBy: string;
  comment: string;
  matchers: { name: string; value: string; isRegex: boolean }[];
};

let am: TestAlertmanager | null = null;
let s: Stack | null = null;
afterEach(async () => {
  await s?.close();
  await am?.stop();
  s = null;
  am = null;
});

describe.skipIf(alertmanagerBinary() === null || amtoolBinary() === null)(
  "Silence from the root (real Alertmanager)",
  () => {
    it("approvers silence in Alertmanager; a silenced resolution still resolves the incident; Unsilence lifts it", async () => {
      const dir = await alertmanagerDir();
      const config = (url: string) =>
        setYamlValues(readFileSync(RECEIVER_FILE, "utf8"), {
          url,
          credentials_file: join(dir, "token"),
          group_wait: "1s",
          group_interval: "1s",
          repeat_interval: "1h",
        });
      // Alertmanager first (the app needs its URL), pointed at the app once that listens.
      am = await startAlertmanager(dir, {
        config: config("http://127.0.0.1:9/alertmanager"),
        files: { token: AM_TOKEN },
      });
      s = await startStack({
        scenario: "steady",
        speed: 1,
        appEnv: { ALERTMANAGER_URL: am.url, SILENCE_WATCH_INTERVAL: "300ms" },
      });
      await writeFile(join(dir, "alertmanager.yml"), config(`${s.app.handle.url}/alertmanager`));
      expect((await fetch(`${am.url}/-/reload`, { method: "POST" })).status).toBe(200);
      const stack = s;
      const amUrl = am.url;

      const pods = stack.sim.pods().map((p) => p.name);
      const alert = (endsAt: number, pod = pods[0] ?? "") =>
        fetch(`${amUrl}/api/v2/alerts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify([
            {
              labels: {
                alertname: "RdevAPIHighMemory",
                namespace: "rdev",
                pod,
                container: "rdev-api",
                severity: "warning",
              },
              annotations: { summary: "Memory usage exceeds 80% of limit", value: "0.83" },
              startsAt: new Date(Date.now() - 60_000).toISOString(),
              endsAt: new Date(endsAt).toISOString(),
            },
          ]),
        });
      const root = () => stack.slack.messages(ALERT_CHANNEL)[0];
      const rootJson = () => JSON.stringify(root()?.blocks ?? []);
      const silences = async () => (await (await fetch(`${amUrl}/api/v2/silences`)).json()) as Silence[];
      const select = async (user: string, value: string) => {
        const r = root();
        if (!r) throw new Error("no root");
        const responseUrl = stack.slack.responseUrl();
        const payload = blockActions({
          action: {
            type: "static_select",
            action_id: "incident_silence",
            block_id: "incident_controls",
            selected_option: { text: { type: "plain_text", text: value }, value },
            action_ts: "1.2",
          },
          user: { id: user },
          channelId: ALERT_CHANNEL,
          messageTs: r.ts,
          responseUrl,
          triggerId: stack.slack.issueTriggerId(),
        }) as { message: Record<string, unknown> };
        payload.message.blocks = r.blocks;
        expect(
          (await signedInteraction(`${stack.app.handle.url}/slack/events`, SIGNING_SECRET, payload)).status,
        ).toBe(200);
        return responseUrl;
      };
      const reply = async (url: string) =>
        JSON.stringify(
          await waitFor("an ephemeral reply", () =>
            stack.slack.responses(url).length > 0 ? stack.slack.responses(url) : null,
          ),
        );

      expect((await alert(Date.now() + 3_600_000)).status).toBe(200);
      await waitFor("the incident root", () => rootJson().includes("incident_silence"));
      const id = (await stack.app.deps.incidents.listOpen())[0]?.id ?? "";

      // Not an approver: refused, naming who may; Alertmanager has no silence.
      expect(await reply(await select(STRANGER, `${id}|1h`))).toContain(
        `Only approvers may silence alerts. Ask <@${APPROVER}>`,
      );
      expect(await silences()).toEqual([]);

      // An approver: a real silence, seen by amtool, with the incident's matchers and the person.
      await select(APPROVER, `${id}|resolved`);
      const [silence] = await waitFor("the silence", async () =>
        (await silences()).length > 0 ? silences() : null,
      );
      expect(silence?.status.state).toBe("active");
      expect(silence?.createdBy).toContain(APPROVER);
      expect(silence?.comment).toContain(id);
      expect(silence?.matchers).toEqual(
        expect.arrayContaining([
          {
            name: "alertname",
            value: "RdevAPIHighMemory(Critical|Warning|Info|Page|Ticket)?",
            isRegex: true,
            isEqual: true,
          },
          { name: "namespace", value: "rdev", isRegex: false, isEqual: true },
        ]),
      );
      const amtool = run(amtoolBinary() ?? "amtool", [
        "silence",
        "query",
        `--alertmanager.url=${amUrl}`,
        "-o",
        "json",
      ]);
      expect(amtool.status).toBe(0);
      expect(JSON.parse(amtool.output.trim()).map((x: Silence) => x.id)).toEqual([silence?.id]);
      await waitFor("the root to show the silence", () =>
        rootJson().includes(`:no_bell: *Silenced* by <@${APPROVER}> until it resolves`),
      );
      expect(rootJson()).toContain("incident_unsilence");
      expect(
        stack.slack
          .thread(ALERT_CHANNEL, root()?.ts ?? "")
          .some((m) => m.text.startsWith(`:no_bell: <@${APPROVER}> silenced`)),
      ).toBe(true);

      // The alert resolves while silenced: Alertmanager sends nothing; the watch resolves the incident.
      const webhooks = async () =>
        (await stack.app.deps.metrics.alertNotifications.get()).values.reduce((n, v) => n + v.value, 0);
      const webhooksBefore = await webhooks();
      expect((await alert(Date.now() - 1000)).status).toBe(200);
      await waitFor(
        "the incident to resolve",
        async () => (await stack.app.deps.incidents.get(id))?.status === "resolved",
      );
      // Alertmanager never told the app (prometheus/alertmanager#226): the silence watch did.
      expect(await webhooks()).toBe(webhooksBefore);
      // Its silence ends with it, in Alertmanager and on the record.
      await waitFor("the silence to expire", async () => (await silences())[0]?.status.state === "expired");
      const [record] = await stack.app.deps.incidents.readMany([id]);
      if (!record) throw new Error("incident gone");
      const summary = summariseIncident(record, Date.now());
      expect(summary.silence).toBeNull();
      expect(summary.entries.map((e) => e.type)).toEqual(
        expect.arrayContaining(["silence_created", "silence_removed", "alert_resolved"]),
      );
      await waitFor("the worker's closing line", () =>
        stack.slack.thread(ALERT_CHANNEL, root()?.ts ?? "").find((m) => m.text.includes("Resolved after")),
      );

      // The alerts fire again (another pod: Alertmanager never logged the silenced resolution of
      // the first alert, so it would not notify that alert again before repeat_interval). Within
      // the flap window the incident reopens, with no silence: silenced for 30 minutes, then lifted.
      expect((await alert(Date.now() + 3_600_000, pods[1])).status).toBe(200);
      await waitFor(
        "the incident to reopen",
        async () => (await stack.app.deps.incidents.listOpen())[0]?.id === id,
      );
      const second = id;
      const secondRoot = () =>
        stack.slack.messages(ALERT_CHANNEL).find((m) => JSON.stringify(m.blocks).includes(second));
      await waitFor("the silence control", () =>
        JSON.stringify(secondRoot()?.blocks).includes("incident_silence"),
      );
      const r2 = secondRoot();
      if (!r2) throw new Error("no second root");
      const act = async (action: Record<string, unknown>, user: string) => {
        const payload = blockActions({
          action,
          user: { id: user },
          channelId: ALERT_CHANNEL,
          messageTs: r2.ts,
          responseUrl: stack.slack.responseUrl(),
          triggerId: stack.slack.issueTriggerId(),
        }) as { message: Record<string, unknown> };
        payload.message.blocks = secondRoot()?.blocks;
        expect(
          (await signedInteraction(`${stack.app.handle.url}/slack/events`, SIGNING_SECRET, payload)).status,
        ).toBe(200);
      };
      await act(
        {
          type: "static_select",
          action_id: "incident_silence",
          selected_option: { text: { type: "plain_text", text: "30m" }, value: `${second}|30m` },
          action_ts: "1.3",
        },
        APPROVER,
      );
      const active = await waitFor("the second silence", async () =>
        (await silences()).find((x) => x.status.state === "active"),
      );
      await waitFor("Unsilence on the root", () =>
        JSON.stringify(secondRoot()?.blocks).includes("incident_unsilence"),
      );
      await act(
        { type: "button", action_id: "incident_unsilence", value: second, action_ts: "1.4" },
        APPROVER,
      );
      await waitFor(
        "the silence lifted",
        async () => (await silences()).find((x) => x.id === active.id)?.status.state === "expired",
      );
      await waitFor("the root offering Silence again", () =>
        JSON.stringify(secondRoot()?.blocks).includes("incident_silence"),
      );
      expect(
        stack.slack
          .thread(ALERT_CHANNEL, r2.ts)
          .some((m) => m.text.startsWith(`:bell: <@${APPROVER}> lifted the silence`)),
      ).toBe(true);
    }, 90_000);
  },
);

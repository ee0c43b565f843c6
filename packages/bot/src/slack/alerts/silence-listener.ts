// The Silence control on an incident's root: approvers silence the incident's alerts in the real
// Alertmanager (v2 API, the incident's matchers, createdBy the person, the thread in the comment)
// for 30 min, 1 h, 4 h or until the incident resolves, and lift it again with "Unsilence". The
// silence is a timeline entry, so the root shows who silenced and until when. Alertmanager sends
// nothing for silenced alerts, not even their resolution (prometheus/alertmanager#226): the silence
// watch (silence-watch.ts) asks it meanwhile whether they still fire.
import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import { ENTRY } from "../../history/entries.ts";
import { summariseIncident } from "../../history/summary.ts";
import { AlertmanagerApiError } from "../../intake/silences/alertmanager-api.ts";
import { clusterLabelOf, incidentMatchers, SILENCE_CHOICES } from "../../intake/silences/matchers.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { SILENCE_ACTION, UNSILENCE_ACTION } from "../../render/blocks/incident-root.ts";
import type { GroupMembership } from "../approvals/user-groups.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import type { RootUpdater } from "./root-updater.ts";

type Deps = AppDeps & { rootUpdater: RootUpdater; groups: GroupMembership };

const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

/** Approvers may silence: the same people who may approve remediations. */
async function mayAct(deps: Deps, userId: string): Promise<boolean> {
  const a = deps.config.approval;
  if (a.anyoneMayApprove || a.approverUserIds.includes(userId)) return true;
  if (a.approverGroupIds.length === 0) return false;
  return (await deps.groups.groupsOf(userId, a.approverGroupIds)).length > 0;
}

function whoMay(deps: Deps): string {
  const a = deps.config.approval;
  const people = a.approverUserIds.slice(0, 5).map((u) => `<@${u}>`);
  const groups = a.approverGroupIds.slice(0, 3).map((g) => `<!subteam^${g}>`);
  const all = [...people, ...groups];
  return all.length > 0
    ? `Ask ${all.join(", ")}.`
    : "Nobody is configured as an approver (APPROVER_USER_IDS).";
}

export function registerSilenceListeners(app: App, deps: Deps): void {
  const tellFor = (url: string) => (text: string) =>
    postToResponseUrl(url, { text, response_type: "ephemeral", replace_original: false }, deps.fetch);

  async function load(incidentId: string, tell: (t: string) => Promise<unknown>) {
    const [record] = await deps.incidents.readMany([incidentId]);
    const root = record?.incident.root;
    if (!record || !root) {
      await tell("This incident no longer exists (past its retention).");
      return null;
    }
    if (record.incident.status !== "open") {
      await tell("This incident is resolved: nothing to silence.");
      return null;
    }
    return { record, root, summary: summariseIncident(record, deps.now()) };
  }

  app.action<BlockAction<StaticSelectAction>>(SILENCE_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    const user = body.user.id;
    const tell = tellFor(body.response_url);
    const [incidentId = "", choiceValue = ""] = (action.selected_option?.value ?? "").split("|");
    const choice = SILENCE_CHOICES.find((c) => c.value === choiceValue);
    const api = deps.alertmanager;
    if (!api) return await tell("Silences need ALERTMANAGER_URL; ask whoever runs the bot to set it.");
    if (!choice) return await tell("That is not a silence duration I offer.");
    try {
      if (!(await mayAct(deps, user)))
        return await tell(`:no_entry: Only approvers may silence alerts. ${whoMay(deps)}`);
      const loaded = await load(incidentId, tell);
      if (!loaded) return;
      const { record, root, summary } = loaded;
      if (summary.silence) {
        return await tell(
          `Already silenced${summary.silence.by ? ` by <@${summary.silence.by}>` : ""} until ${hhmm(summary.silence.until)}.`,
        );
      }
      const now = deps.now();
      const until = now + choice.ms;
      const names = await deps.userNames.lookup([user]).catch(() => new Map());
      const name = names.get(user)?.name ?? null;
      const silenceId = await api.createSilence({
        matchers: incidentMatchers(record.incident, clusterLabelOf(deps.config)),
        startsAt: now,
        endsAt: until,
        createdBy: name ? `${name} (Slack ${user})` : `Slack ${user}`,
        comment: `rdev chat-ops incident ${record.incident.id} (${record.incident.alertName} ${record.incident.namespace ?? "?"}/${record.incident.workload ?? "?"}), ${choice.label}${record.permalink ? `: ${record.permalink}` : ""}`,
      });
      await deps.incidents.appendTimeline(record.incident.id, {
        type: ENTRY.silenceCreated,
        by: user,
        data: { silenceId, until, untilResolved: choice.value === "resolved" },
      });
      const span =
        choice.value === "resolved"
          ? `until it resolves (at the latest ${hhmm(until)})`
          : `until ${hhmm(until)}`;
      await deps.slack.chat.postMessage({
        channel: root.channel,
        thread_ts: root.ts,
        text: `:no_bell: <@${user}> silenced this incident's alerts in Alertmanager ${span} (silence \`${silenceId}\`). Notifications stop; the bot keeps watching the alerts and the record.`,
      });
      await deps.rootUpdater.changed(record.incident.id);
    } catch (error) {
      if (error instanceof AlertmanagerApiError)
        return await tell(`:warning: No silence was created. ${error.message}`);
      if (error instanceof RedisUnavailableError)
        return await tell(":warning: I cannot reach Redis right now; nothing changed.");
      throw error;
    }
  });

  app.action<BlockAction<ButtonAction>>(UNSILENCE_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    const user = body.user.id;
    const tell = tellFor(body.response_url);
    const api = deps.alertmanager;
    if (!api) return await tell("Silences need ALERTMANAGER_URL; ask whoever runs the bot to set it.");
    try {
      if (!(await mayAct(deps, user)))
        return await tell(`:no_entry: Only approvers may lift a silence. ${whoMay(deps)}`);
      const loaded = await load(action.value ?? "", tell);
      if (!loaded) return;
      const { record, root, summary } = loaded;
      if (!summary.silence) return await tell("This incident is not silenced (any more).");
      await api.expireSilence(summary.silence.id);
      await deps.incidents.appendTimeline(record.incident.id, {
        type: ENTRY.silenceRemoved,
        by: user,
        data: { silenceId: summary.silence.id, reason: "unsilenced" },
      });
      await deps.slack.chat.postMessage({
        channel: root.channel,
        thread_ts: root.ts,
        text: `:bell: <@${user}> lifted the silence: Alertmanager notifies again.`,
      });
      await deps.rootUpdater.changed(record.incident.id);
    } catch (error) {
      if (error instanceof AlertmanagerApiError)
        return await tell(`:warning: The silence is still there. ${error.message}`);
      if (error instanceof RedisUnavailableError)
        return await tell(":warning: I cannot reach Redis right now; nothing changed.");
      throw error;
    }
  });
}

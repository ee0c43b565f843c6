// "I'm on it" / "Take over" on an incident's root: the clicker owns the incident. The owner is a
// timeline entry (the root, `/rdev incident` and the postmortem read it from there), the thread is
// told in one line, and the root is re-rendered from the store. Anyone in the channel may take an
// incident: owning is a statement of who is working on it, not an authority over the cluster.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { ENTRY } from "../../history/entries.ts";
import { summariseIncident } from "../../history/summary.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { OWN_ACTION } from "../../render/blocks/incident-root.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import type { RootUpdater } from "./root-updater.ts";

const REDIS_DOWN =
  ":warning: I cannot reach Redis right now, so the incident's owner did not change. Please try again.";

export function registerOwnListener(app: App, deps: AppDeps & { rootUpdater: RootUpdater }): void {
  app.action<BlockAction<ButtonAction>>(OWN_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    const user = body.user.id;
    const tell = (text: string) =>
      postToResponseUrl(
        body.response_url,
        { text, response_type: "ephemeral", replace_original: false },
        deps.fetch,
      );
    try {
      const [record] = await deps.incidents.readMany([action.value ?? ""]);
      const root = record?.incident.root;
      if (!record || !root) return await tell("This incident no longer exists (past its retention).");
      const { incident } = record;
      if (incident.status !== "open") return await tell("This incident is already resolved; nothing to own.");
      const previous = summariseIncident(record, deps.now()).owner;
      if (previous === user) return await tell("You already own this incident.");
      await deps.incidents.appendTimeline(incident.id, {
        type: ENTRY.ownerSet,
        by: user,
        data: { owner: user, previous },
      });
      await deps.slack.chat.postMessage({
        channel: root.channel,
        thread_ts: root.ts,
        text: previous
          ? `:handshake: <@${user}> took this incident over from <@${previous}>.`
          : `:raising_hand: <@${user}> is on it.`,
      });
      await deps.rootUpdater.changed(incident.id);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      await tell(REDIS_DOWN);
    }
  });
}

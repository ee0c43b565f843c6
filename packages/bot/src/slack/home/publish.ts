// App Home: on app_home_opened (Home tab), views.publish of the open incidents with their pending
// approvals, then the recent history, for the user who opened it.
import { homeView } from "../../render/blocks/home.ts";
import { type HistoryViewDeps, historyDays, loadOpen, loadRecent } from "./data.ts";

/** Recent incidents listed under the open ones. */
export const HOME_RECENT = 15;

export async function publishHome(deps: HistoryViewDeps, userId: string): Promise<void> {
  const days = historyDays(deps);
  const [open, recent] = await Promise.all([loadOpen(deps), loadRecent(deps, { limit: HOME_RECENT, days })]);
  const { namespace, deployment } = deps.config.runbook.target;
  await deps.slack.views.publish({
    user_id: userId,
    view: homeView({ open, recent, target: `${namespace}/${deployment}`, now: deps.now(), days }),
  });
}

// Every Slack listener, registered in one place (grouped by surface).
import type { App } from "@slack/bolt";
import type { ReaderCheck } from "./access/readers.ts";
import { registerDiagnoseAgain } from "./alerts/diagnose-again-listener.ts";
import { registerOwnListener } from "./alerts/own-listener.ts";
import type { RootUpdater } from "./alerts/root-updater.ts";
import { registerSilenceListeners } from "./alerts/silence-listener.ts";
import { registerWatchListener } from "./alerts/watch-listener.ts";
import type { ApproveDeps } from "./approvals/approve.ts";
import { registerApprovalListeners } from "./approvals/listeners.ts";
import { registerRdevCommand } from "./commands/listener.ts";
import type { AppDeps } from "./deps.ts";
import { registerDetailsListener } from "./details/listener.ts";
import { registerHistoryListeners } from "./home/listeners.ts";

export function registerListeners(
  app: App,
  deps: AppDeps & ApproveDeps & { rootUpdater: RootUpdater; readers: ReaderCheck },
): void {
  registerRdevCommand(app, deps);
  registerApprovalListeners(app, deps);
  registerWatchListener(app, deps);
  registerHistoryListeners(app, deps);
  registerDiagnoseAgain(app, deps);
  registerOwnListener(app, deps);
  registerSilenceListeners(app, deps);
  registerDetailsListener(app, deps);
}

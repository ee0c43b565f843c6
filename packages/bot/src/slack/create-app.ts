// The Bolt app with its receiver (HTTP or Socket Mode, from configuration), every listener, one
// error handler, and the HTTP server for Slack, health, metrics and Alertmanager.
import type { Server } from "node:http";
import { App, HTTPReceiver, SocketModeReceiver } from "@slack/bolt";
import { createRedis } from "../redis.ts";
import { createReaderCheck } from "./access/readers.ts";
import { createRootUpdater, type RootUpdater } from "./alerts/root-updater.ts";
import { startSilenceWatch } from "./alerts/silence-watch.ts";
import { startWorkerWatch } from "./alerts/worker-watch.ts";
import { createGroupMembership } from "./approvals/user-groups.ts";
import { boltLogger } from "./bolt-logger.ts";
import { slackClientOptions } from "./build-deps.ts";
import type { AppDeps } from "./deps.ts";
import { alertmanagerRoute } from "./http/alertmanager-route.ts";
import { createReplayGuard, replayCheckedOf } from "./http/replay-guard.ts";
import { createHttpServer, listen } from "./http/server.ts";
import { registerListeners } from "./listeners.ts";
import { type OutboxRuntime, startOutboxWorker } from "./outbox/runtime.ts";

export type SlackAppHandle = {
  app: App;
  server: Server;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  rootUpdater: RootUpdater;
  /** The silence watch (ALERTMANAGER_URL set): check() runs a round now. */
  silenceWatch: { check(): Promise<number> } | null;
  /** The app's Slack outbox worker (null when started without one). */
  outbox: OutboxRuntime | null;
  stop(): Promise<void>;
};

export type StartOptions = {
  port?: number;
  host?: string;
  /** Serve the Slack outbox queue in this process (default true; benches of the bare path turn it off). */
  outboxWorker?: boolean;
};

export async function startSlackApp(deps: AppDeps, options: StartOptions = {}): Promise<SlackAppHandle> {
  const { config, logger } = deps;
  const blog = boltLogger(logger);
  const receiver =
    config.slack.mode === "socket"
      ? new SocketModeReceiver({
          appToken: config.slack.appToken ?? "",
          logger: blog,
          // apps.connections.open goes to the same Slack API as every other call (SLACK_API_URL).
          installerOptions: {
            clientOptions: config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {},
          },
        })
      : new HTTPReceiver({
          signingSecret: config.slack.signingSecret ?? "",
          // The replay guard in front of it (http/replay-guard.ts) verifies every request once.
          signatureVerification: false,
          bodyLimit: config.limits.slackEventsBodyLimit,
          // Listeners that change state refuse a request whose replay could not be ruled out.
          customPropertiesExtractor: (req) => ({ replayChecked: replayCheckedOf(req) }),
          logger: blog,
        });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: blog,
    clientOptions: slackClientOptions(config, logger, deps.fetch),
    // No listener uses context.conversation; Bolt's default in-memory store costs a thrown Error
    // ("Conversation not found") on every request.
    convoStore: false,
  });
  const groups = createGroupMembership(deps.slack, { now: deps.now });
  const rootUpdater = createRootUpdater(deps);
  const readers = createReaderCheck({
    slack: deps.slack,
    groups,
    alertChannel: config.alertChannel,
    groupIds: config.incidentReaderGroupIds,
    now: deps.now,
  });
  registerListeners(app, { ...deps, groups, rootUpdater, readers });
  app.error(async (error) => {
    logger.error({ err: error.original ?? error, code: error.code }, "slack listener failed");
  });

  const diagnosed = new Set<string>();
  const outbox: OutboxRuntime | null =
    options.outboxWorker === false
      ? null
      : startOutboxWorker(
          { ...deps, rootUpdater, diagnosed },
          {
            connection: createRedis(config.redis, { role: "worker", connectionName: "rdev-app-outbox" }),
            prefix: deps.bullPrefix,
          },
        );
  const notificationDeps = { ...deps, rootUpdater, diagnosed, outbox: deps.queues.outbox };
  // Silenced alerts send no notifications, not even their resolution: ask Alertmanager meanwhile.
  const silenceWatch = deps.alertmanager
    ? startSilenceWatch(notificationDeps, deps.alertmanager, config.silenceWatchIntervalMs)
    : null;
  // A cluster's worker going down or coming back re-renders that cluster's open incidents.
  const workerWatch = startWorkerWatch({ ...deps, rootUpdater }, config.workerWatchIntervalMs);
  const server = createHttpServer({
    slack:
      receiver instanceof HTTPReceiver
        ? {
            listener: receiver.requestListener,
            guard: createReplayGuard({
              signingSecret: config.slack.signingSecret ?? "",
              redis: deps.redis,
              prefix: deps.prefix,
              logger,
              bodyLimit: config.limits.slackEventsBodyLimit,
            }),
            maxPending: config.limits.slackEventsMaxPending,
          }
        : null,
    alertmanager: alertmanagerRoute(notificationDeps),
    redis: deps.redis,
    metrics: deps.metrics,
    logger,
  });
  const { port, url } = await listen(
    server,
    options.port ?? config.http.port,
    options.host ?? config.http.host,
  );
  if (receiver instanceof SocketModeReceiver) await app.start();
  logger.info({ url, mode: config.slack.mode }, "slack app listening");

  return {
    app,
    server,
    url,
    port,
    rootUpdater,
    silenceWatch,
    outbox,
    async stop() {
      workerWatch.stop();
      await silenceWatch?.stop();
      rootUpdater.close();
      await outbox?.close();
      if (receiver instanceof SocketModeReceiver) await app.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Real Prometheus/Alertmanager daemons for tests: the demo's plumbing (packages/demo/src/daemon.ts).
export { type Daemon, findBinary, freePort, startDaemon } from "@rdev/demo/daemon.ts";

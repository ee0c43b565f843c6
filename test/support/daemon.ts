// Real Prometheus/Alertmanager daemons for tests: the demo's plumbing (src/demo/daemon.ts).
export { type Daemon, findBinary, freePort, startDaemon } from "../../src/demo/daemon.ts";

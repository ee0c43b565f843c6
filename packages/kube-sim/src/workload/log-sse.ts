// The SSE connections behind sse_connections_active, as rdev-api logs them: every stream opens
// ("SSE connection opened" with its id, client address, user agent and path) and, unless it is one
// of the leak's stuck clients, closes ("SSE connection closed" with its duration). Deterministic
// functions of the process's seed: any window can be generated without the ones before it.
import { formatGoDuration } from "./duration.ts";
import { hash32 } from "./random.ts";
import { LOAD } from "./scenarios.ts";
import type { LogRecord } from "./slog.ts";

export const SSE_LOG = {
  path: "/api/v1/events",
  /** Normal streams last this long on average (exponential), clipped to [min, max]. */
  meanLifetimeSeconds: 240,
  minLifetimeSeconds: 5,
  maxLifetimeSeconds: 1800,
  /** A client reconnects this long after its stream ended. */
  reconnectSeconds: [0.2, 2],
  /** The leak's stuck clients: a few addresses of one misbehaving CLI build. */
  stuckClients: ["203.0.113.45", "203.0.113.46", "203.0.113.47"],
  stuckUserAgent: "rdev-cli/0.9.2",
  userAgents: [
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 Safari/605.1.15",
    "rdev-cli/1.2.0",
  ],
} as const;

export type SseLogModel = {
  noiseKey: number;
  startedAtMs: number;
  /** Normal concurrent streams (the steady load). */
  normalStreams: number;
  /** Stuck streams per second from LOAD.sseLeak.startSeconds; 0 when the process does not leak. */
  stuckPerSecond: number;
};

const unit = (...v: number[]) => hash32(...v) / 4294967296;
export const hex8 = (h: number) => h.toString(16).padStart(8, "0");

function clientOf(key: number, k: number): string {
  const h = hash32(key, 0xc1, k);
  return `198.51.100.${1 + (h % 200)}:${1024 + ((h >>> 8) % 60000)}`;
}

function opened(t: number, id: string, client: string, ua: string): LogRecord {
  return {
    t,
    level: "INFO",
    msg: "SSE connection opened",
    attrs: [
      ["conn_id", id],
      ["client", client],
      ["user_agent", ua],
      ["path", SSE_LOG.path],
    ],
  };
}

/** The SSE open/close lines with timestamps in [fromMs, toMs]. */
export function sseRecords(m: SseLogModel, fromMs: number, toMs: number): LogRecord[] {
  const out: LogRecord[] = [];
  const S = m.startedAtMs;
  const [gapMin, gapMax] = SSE_LOG.reconnectSeconds;
  for (let k = 0; k < m.normalStreams; k++) {
    const client = clientOf(m.noiseKey, k);
    const ua = SSE_LOG.userAgents[hash32(m.noiseKey, 0xa9, k) % SSE_LOG.userAgents.length] ?? "";
    let t = S + (0.5 + unit(m.noiseKey, 0x51, k) * 3.5) * 1000;
    for (let j = 0; t <= toMs; j++) {
      const u = unit(m.noiseKey, 0x52, k, j);
      const life = Math.min(
        SSE_LOG.maxLifetimeSeconds,
        Math.max(SSE_LOG.minLifetimeSeconds, -Math.log(1 - u) * SSE_LOG.meanLifetimeSeconds),
      );
      const lifeMs = Math.round(life * 1000);
      const id = `sse-${hex8(hash32(m.noiseKey, 0x53, k, j))}`;
      if (t >= fromMs) out.push(opened(t, id, client, ua));
      const end = t + lifeMs;
      if (end >= fromMs && end <= toMs) {
        out.push({
          t: end,
          level: "INFO",
          msg: "SSE connection closed",
          attrs: [
            ["conn_id", id],
            ["client", client],
            ["duration", formatGoDuration(lifeMs)],
            ["reason", "client closed"],
          ],
        });
      }
      t = end + (gapMin + unit(m.noiseKey, 0x54, k, j) * (gapMax - gapMin)) * 1000;
    }
  }
  if (m.stuckPerSecond > 0) {
    const begin = S + LOAD.sseLeak.startSeconds * 1000;
    const stepMs = 1000 / m.stuckPerSecond;
    const first = Math.max(0, Math.ceil((fromMs - begin) / stepMs));
    for (let i = first; begin + i * stepMs <= toMs; i++) {
      const t = Math.round(begin + i * stepMs);
      const h = hash32(m.noiseKey, 0x57, i);
      const ip = SSE_LOG.stuckClients[h % SSE_LOG.stuckClients.length];
      out.push(opened(t, `sse-${hex8(h)}`, `${ip}:${1024 + ((h >>> 8) % 60000)}`, SSE_LOG.stuckUserAgent));
    }
  }
  return out;
}

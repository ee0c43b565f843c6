// The load generator of the app benchmark: signed Slack requests over keep-alive node:http sockets,
// timed from sending to the response headers (the ack), in an open loop at a fixed rate. The
// generator shares two cores with everything it measures, so it is kept cheap: global fetch costs
// ~1 ms of CPU per request here, node:http about a quarter of that.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { signRequest } from "../test/support/slack-sign.ts";

const agent = new Agent({ keepAlive: true });

/** POSTs a signed form body; resolves with ms from sending to the response headers. */
export function postSigned(url: string, secret: string, body: string, retried = false): Promise<number> {
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": String(Buffer.byteLength(body)),
    ...signRequest(secret, body, Math.floor(Date.now() / 1000)),
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: "POST", agent, headers }, (res) => {
      const ms = performance.now() - started;
      res.resume();
      res.once("end", () =>
        res.statusCode === 200 ? resolve(ms) : reject(new Error(`${url} answered ${res.statusCode}`)),
      );
    });
    req.once("error", (error: NodeJS.ErrnoException) => {
      // The app closed an idle keep-alive socket as it was reused: nothing was read, send again
      // (signed anew, so the replay guard does not take it for a replay).
      if (req.reusedSocket && error.code === "ECONNRESET" && !retried)
        resolve(postSigned(url, secret, `${body}&retry=1`, true));
      else reject(error);
    });
    req.end(body);
  });
}

/** Calls `send` `rate` times a second for `seconds` without waiting for answers; the latencies. */
export async function openLoop(rate: number, seconds: number, send: () => Promise<number>) {
  const latencies: number[] = [];
  const failures: unknown[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send().then(
        (ms) => void latencies.push(ms),
        (error: unknown) => void failures.push(error),
      ),
    );
  }
  await Promise.all(pending);
  if (failures.length > 0) throw new Error(`${failures.length} requests failed`, { cause: failures[0] });
  return latencies;
}

/** CPU time (user + system) of a process in ms, from /proc; null where there is no /proc. */
export function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (USER_HZ = 100)
  } catch {
    return null;
  }
}

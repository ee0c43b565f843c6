// prometheusRangeSource against a real Prometheus: a loopback /metrics (renderKubeMetrics, as the
// kubelet's cAdvisor and kube-state-metrics expose it) whose working sets grow at every scrape and
// whose first pod's limit is raised halfway, scraped every second; then query_range through the
// source and a chart drawn from the answer. Skipped only when prometheus is not installed.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { memoryChartPng, memoryChartSvg } from "@rdev/bot/render/charts/memory-chart.ts";
import { chartInputFromHistory } from "@rdev/bot/samples/chart-input.ts";
import { MetricsSourceError } from "@rdev/bot/samples/errors.ts";
import { prometheusRangeSource } from "@rdev/bot/samples/prometheus-range-source.ts";
import type { MemoryHistory, MemoryHistorySource } from "@rdev/bot/samples/types.ts";
import { type KubeMetricsPod, renderKubeMetrics } from "@rdev/kube-sim/kube-metrics.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngSize, svgTexts } from "../charts/svg.ts";
import { prometheusBinary, startPrometheus, type TestPrometheus } from "../support/prometheus.ts";

const Mi = 1024 * 1024;
const PODS = ["rdev-api-7d9f8b6c5d-m8zlp", "rdev-api-7d9f8b6c5d-q4wrt", "rdev-api-7d9f8b6c5d-x2k4q"] as const;
const missing = prometheusBinary() === null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(missing)(
  `prometheusRangeSource with a real Prometheus${missing ? " (skipped: apt-get install prometheus)" : ""}`,
  () => {
    let scrapes = 0;
    let raised = false;
    /** Every working set served, per pod: what Prometheus can possibly answer. */
    const served = new Map<string, Set<number>>(PODS.map((p) => [p, new Set()]));
    let metrics: Server | undefined;
    let prometheus: TestPrometheus | undefined;
    let source: MemoryHistorySource;

    const pod = (name: string, i: number): KubeMetricsPod => {
      const workingSetBytes = (150 + 40 * i + 10 * scrapes) * Mi;
      served.get(name)?.add(workingSetBytes);
      return {
        namespace: "rdev",
        pod: name,
        container: "rdev-api",
        node: "node-a",
        image: "registry.example.com/rdev-api:1.4.2",
        workingSetBytes,
        // The first pod's limit is raised after a few scrapes; the third has none.
        limitBytes: i === 2 ? null : i === 0 && raised ? 1024 * Mi : 512 * Mi,
        requestBytes: 256 * Mi,
        restarts: 0,
        lastTerminatedReason: null,
      };
    };

    /** Polls until Prometheus has scraped `n` more times. */
    async function scrapesMore(n: number): Promise<void> {
      const until = scrapes + n;
      const deadline = Date.now() + 30_000;
      while (scrapes < until) {
        if (Date.now() > deadline) throw new Error(`Prometheus stopped scraping:\n${prometheus?.output()}`);
        await sleep(100);
      }
    }

    beforeAll(async () => {
      metrics = createServer((_req, res) => {
        scrapes++;
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        res.end(
          renderKubeMetrics(
            PODS.map((name, i) => pod(name, i)),
            Date.now(),
          ),
        );
      });
      metrics.listen(0, "127.0.0.1");
      await once(metrics, "listening");
      prometheus = await startPrometheus({
        scrapeTargets: [`127.0.0.1:${(metrics.address() as AddressInfo).port}`],
        ruleFiles: {},
        // No rules, so nothing is ever sent here.
        alertmanager: "127.0.0.1:9",
      });
      source = prometheusRangeSource({
        baseUrl: prometheus.url,
        target: { namespace: "rdev", container: "rdev-api" },
      });
      await scrapesMore(4);
      raised = true;
      await scrapesMore(4);
    });

    afterAll(async () => {
      await prometheus?.stop();
      if (metrics) {
        metrics.closeAllConnections();
        metrics.close();
      }
    });

    /** The last minute, once every pod shows at least `n` distinct values and the raised limit. */
    async function history(n: number): Promise<MemoryHistory> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const h = await source.memoryHistory({ endMs: Date.now(), windowMs: 60_000 });
        const distinct = h.series.map((s) => new Set(s.points.map((p) => p.bytes)).size);
        if (h.series.length === PODS.length && Math.min(...distinct) >= n && h.limitBytes === 1024 * Mi)
          return h;
        if (Date.now() > deadline)
          throw new Error(`no ${n} samples per pod: ${JSON.stringify(h).slice(0, 2000)}`);
        await sleep(250);
      }
    }

    it("reads each pod's working set over the window, as served and in time order", async () => {
      const h = await history(6);
      expect(h.series.map((s) => s.pod)).toEqual([...PODS]);
      expect(h.stepMs).toBe(1000);
      expect(h.endMs - h.startMs).toBe(60_000);
      for (const s of h.series) {
        expect(s.points.length).toBeLessThanOrEqual(61);
        for (const p of s.points) {
          expect(served.get(s.pod)?.has(p.bytes), `${s.pod} ${p.bytes}`).toBe(true);
          expect(p.t % 1000).toBe(0);
          expect(p.t).toBeGreaterThanOrEqual(h.startMs);
          expect(p.t).toBeLessThanOrEqual(h.endMs);
        }
        // Working sets only grew, so the points do too.
        for (let i = 1; i < s.points.length; i++) {
          expect(s.points[i]?.t).toBeGreaterThan(s.points[i - 1]?.t ?? 0);
          expect(s.points[i]?.bytes).toBeGreaterThanOrEqual(s.points[i - 1]?.bytes ?? 0);
        }
      }
    });

    it("reads the limit, its raise as an event, and ignores the pod without a limit", async () => {
      const h = await history(6);
      expect(h.limitBytes).toBe(1024 * Mi);
      expect(h.events.map((e) => e.label)).toEqual(["limit 512Mi -> 1Gi"]);
      expect(h.events[0]?.t).toBeGreaterThan(h.startMs);
    });

    it("draws the chart from the answer", async () => {
      const h = await history(6);
      const input = chartInputFromHistory(h, {
        title: "rdev-api memory",
        warningPercent: 80,
        criticalPercent: 95,
      });
      const texts = svgTexts(memoryChartSvg(input)).map((t) => t.text);
      expect(texts).toEqual(
        expect.arrayContaining([...PODS, "limit 1Gi", "80% 819Mi", "limit 512Mi -> 1Gi"]),
      );
      expect(pngSize(memoryChartPng(input))).toEqual({ width: 960, height: 480 });
    });

    it("reports the real Prometheus' refusal of a range too fine for it", async () => {
      // A day at 5 s steps is 17,281 points: past Prometheus' 11,000 per series.
      const error = await source
        .memoryHistory({ endMs: Date.now(), windowMs: 86_400_000, maxPoints: 20_000 })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(MetricsSourceError);
      expect((error as MetricsSourceError).code).toBe("query-error");
      expect((error as MetricsSourceError).errorType).toBe("bad_data");
      expect((error as MetricsSourceError).message).toMatch(/exceeded maximum resolution of 11,000 points/);
    });
  },
);

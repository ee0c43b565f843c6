import { renderText } from "@rdev/bot/diagnose/render-text.ts";
import { describe, expect, it } from "vitest";
import {
  criticalSseLeak,
  forbidden,
  healthy,
  manyPods,
  metricsServerMissing,
} from "../support/diagnosis-fixtures.ts";

describe("renderText", () => {
  it("critical SSE leak", () => {
    expect(renderText(criticalSseLeak())).toMatchSnapshot();
  });

  it("healthy", () => {
    expect(renderText(healthy())).toMatchSnapshot();
  });

  it("metrics-server missing, one pod unavailable", () => {
    const text = renderText(metricsServerMissing());
    expect(text).toContain("unavailable: timed out after 5000 ms");
    expect(text).toContain("metrics-server not installed (metrics.k8s.io answered 404)");
    expect(text).toMatchSnapshot();
  });

  it("cannot list pods", () => {
    expect(renderText(forbidden())).toMatchSnapshot();
  });

  it("lists every pod in a terminal, marking the ones not sampled", () => {
    const text = renderText(manyPods(60));
    expect(text.split("\n").filter((l) => l.startsWith("rdev-api-5d8c7b9f4-"))).toHaveLength(60);
    expect(text).toContain("not probed: not sampled");
  });

  it("strips terminal control sequences coming from the cluster", () => {
    const d = healthy();
    d.notes.push({ source: "events", message: "evil \u001b[2J\u001b]0;title\u0007 text" });
    const text = renderText(d);
    const controls = [...text].filter((c) => {
      const code = c.codePointAt(0) ?? 32;
      return (code < 32 && c !== "\n") || code === 0x7f;
    });
    expect(controls).toEqual([]);
    expect(text).toContain("evil [2J]0;title text");
  });
});

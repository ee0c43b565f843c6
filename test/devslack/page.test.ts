import { mkdir } from "node:fs/promises";
import { type DevSlack, startDevSlack } from "@rdev/dev-slack/dev-slack.ts";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium, launchChromium, type TestBrowser } from "../support/chromium.ts";
import { startTinyApp, type TinyApp } from "./tiny-bolt-app.ts";

const SECRET = "dev-workspace-signing-secret";
const SHOTS = new URL("../../test-results/devslack/", import.meta.url);

if (!hasChromium)
  console.warn(`skipping the dev workspace page test: ${CHROMIUM} not found (apt-get install chromium)`);

describe.skipIf(!hasChromium)("the dev workspace page in Chromium", () => {
  let slack: DevSlack;
  let app: TinyApp;
  let page: Page;
  let browser: TestBrowser | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    slack = await startDevSlack({ signingSecret: SECRET, botToken: "xoxb-dev-workspace" });
    app = await startTinyApp({ signingSecret: SECRET, token: slack.token, apiUrl: slack.url });
    slack.setAppEventsUrl(app.url);
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium("devslack", { width: 1440, height: 900 }, pageErrors);
    page = browser.page;
    page.on("dialog", (dialog) => {
      pageErrors.push(`unexpected browser dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await slack?.close();
  });

  const shot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname });
  const message = () => page.locator("#messages .msg").filter({ hasText: "RdevAPIHighMemory" });

  it("runs a slash command and renders the bot's Block Kit message", async () => {
    await page.goto(slack.pageUrl);
    await page.locator("#channel-title", { hasText: "# rdev-ops" }).waitFor();
    await page.locator(".status-ok").waitFor();
    expect(await page.locator("#user-select").inputValue()).toBe("U0ONCALL1");

    await page.getByLabel("Message composer").fill("/rdev status");
    await page.getByLabel("Message composer").press("Enter");

    const ack = page.locator(".msg-ephemeral", { hasText: "Looking at rdev-api…" });
    await ack.waitFor();
    expect(await ack.locator("b").textContent()).toBe("rdev-api");
    expect(await ack.textContent()).toContain("Only visible to you");

    const msg = message();
    await msg.waitFor();
    expect(await msg.locator(".blk-header").textContent()).toBe("🚨 RdevAPIHighMemory");
    expect(await msg.locator(".badge").textContent()).toBe("APP");
    const text = msg.locator(".blk-section .blk-text").first();
    expect(await text.locator("b").first().textContent()).toBe("rdev-api");
    expect(await text.locator("i").textContent()).toBe("91%");
    expect(await text.locator("del").textContent()).toBe("not yet");
    expect(await text.locator("a.mk-link").getAttribute("href")).toBe("https://example.com/runbook");
    expect(await text.locator("a.mk-link").textContent()).toBe("the runbook");
    expect(await text.locator(".mk-mention").textContent()).toBe("@alice");
    expect(await text.locator("pre.mk-pre").textContent()).toBe(
      "pod                  memory\nrdev-api-7d9f-x2k4q  930Mi",
    );
    const fields = msg.locator(".blk-fields .blk-field");
    expect(await fields.count()).toBe(4);
    expect(await fields.nth(0).locator("code").textContent()).toBe("rdev-api-7d9f-x2k4q");
    // Two columns: the second field sits to the right of the first, the third below it.
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => fields.nth(i).boundingBox()));
    expect(b?.x).toBeGreaterThan((a?.x ?? 0) + 100);
    expect(c?.y).toBeGreaterThan(a?.y ?? 0);
    // The escaped markup shows as text and never becomes an element.
    expect(await fields.nth(3).textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await msg.locator(".blk-context").textContent()).toContain("⚠️ Fired at 03:12 UTC");
    expect(await msg.locator(".sk-btn-danger").textContent()).toBe("Restart pod");
    expect(await msg.locator(".sk-btn-primary").textContent()).toBe("Raise limit…");
    expect(app.seen).toContain("command U0ONCALL1 status");
    await shot("1-command");
  });

  it("asks for confirmation before a click, and shows the app's chat.update", async () => {
    const msg = message();
    await msg.getByRole("button", { name: "Restart pod" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await dialog.locator(".dlg-title").textContent()).toBe("Restart pod?");
    expect(await dialog.locator(".dlg-text code").textContent()).toBe("rdev-api-7d9f-x2k4q");
    await shot("2-confirm");
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(app.seen.filter((s) => s.startsWith("restart"))).toEqual([]);

    await msg.getByRole("button", { name: "Restart pod" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Restart" }).click();
    await msg.locator(".blk-context", { hasText: "@alice restarted the pod" }).waitFor();
    expect(await msg.locator(".msg-edited").count()).toBe(1);
    expect(await msg.getByRole("button", { name: "Restart pod" }).count()).toBe(0);
    expect(app.seen).toContain("restart U0ONCALL1");
  });

  it("opens a modal, shows the app's validation error, and submits the changed input", async () => {
    await page.getByLabel("Message composer").fill("/rdev status");
    await page.getByLabel("Message composer").press("Enter");
    const fresh = message().last();
    await fresh.getByRole("button", { name: "Raise limit…" }).waitFor();
    await fresh.getByRole("button", { name: "Raise limit…" }).click();

    const modal = page.getByRole("dialog", { name: "Raise memory limit" });
    await modal.waitFor();
    await modal.getByRole("button", { name: "Cancel" }).click();
    await modal.waitFor({ state: "hidden" });
    await fresh.getByRole("button", { name: "Raise limit…" }).click();
    await modal.waitFor();
    const limit = modal.getByLabel("New memory limit");
    expect(await limit.inputValue()).toBe("1Gi");
    expect(await modal.locator(".inp-hint").textContent()).toBe("A quantity, like 2Gi");
    await limit.fill("lots");
    await modal.getByRole("button", { name: "Raise" }).click();
    await modal.locator(".inp-error", { hasText: "Use a quantity like 2Gi" }).waitFor();
    expect(await limit.inputValue()).toBe("lots");
    await shot("3-modal-error");

    await limit.fill("2Gi");
    await modal.getByLabel("Reason").selectOption("leak");
    await modal.getByRole("button", { name: "Raise" }).click();
    await modal.waitFor({ state: "hidden" });
    expect(app.seen).toContain("submit U0ONCALL1 2Gi Memory leak");

    await fresh.getByRole("button", { name: /2 replies/ }).click();
    const thread = page.locator("#thread");
    await thread
      .locator(".msg", { hasText: "Raised the limit to 2Gi (reason: Memory leak) for @alice" })
      .waitFor();
    const chart = thread.locator("figure.msg-file-image img");
    await chart.waitFor();
    type Img = { decode(): Promise<void>; naturalWidth: number };
    const width = await chart.evaluate((img) =>
      (img as unknown as Img).decode().then(() => (img as unknown as Img).naturalWidth),
    );
    expect(width).toBe(300);
    const download = thread.locator("a.msg-file", { hasText: "Heap summary" });
    expect(await download.getAttribute("download")).toBe("heap-summary.txt");
    await page.getByLabel("Reply composer").fill("thanks, watching the *graph*");
    await page.getByLabel("Reply composer").press("Enter");
    const reply = thread.locator(".msg", { hasText: "thanks, watching the graph" });
    await reply.waitFor();
    expect(await reply.locator(".msg-author").textContent()).toBe("alice");
    expect(await reply.locator("b").textContent()).toBe("graph");
    await shot("4-thread");
  });

  it("shows ephemerals only to their user, and Slackbot's answer to an unknown command", async () => {
    await page.getByLabel("Acting as").selectOption("U0DEV0003");
    await page.locator("#composer[placeholder*='rdev-ops']").waitFor();
    await page.locator(".msg", { hasText: "Looking at rdev-api" }).first().waitFor({ state: "detached" });
    await page.getByLabel("Message composer").fill("/deploy now");
    await page.getByLabel("Message composer").press("Enter");
    const slackbot = page.locator(".msg-ephemeral", { hasText: "is not a valid command" });
    await slackbot.waitFor();
    expect(await slackbot.locator(".msg-author").textContent()).toBe("Slackbot");
    expect(await slackbot.locator("code").textContent()).toBe("/deploy");
    await shot("5-carol");
    expect(pageErrors).toEqual([]);
  });
});

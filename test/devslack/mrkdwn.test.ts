import { code, codeBlock, escapeMrkdwn } from "@rdev/bot/render/blocks/escape.ts";
import { emojify } from "@rdev/dev-slack/client/emoji.ts";
import { decodeEntities, mrkdwn } from "@rdev/dev-slack/client/mrkdwn.ts";
import { safeAttrs, safeUrl } from "@rdev/dev-slack/client/safe.ts";
import { elementsOf, h, textOf, type VNode } from "@rdev/dev-slack/client/vnode.ts";
import { describe, expect, it } from "vitest";

const ctx = {
  userName: (id: string) => ({ U0ONCALL1: "alice" })[id],
  channelName: (id: string) => ({ C0RDEVOPS1: "rdev-ops" })[id],
};
const md = (text: string) => mrkdwn(text, ctx);

describe("mrkdwn", () => {
  it.each<[string, string, VNode[]]>([
    ["plain text", "hello", ["hello"]],
    ["bold", "*bold* text", [h("b", {}, "bold"), " text"]],
    ["italic", "an _italic_ word", ["an ", h("i", {}, "italic"), " word"]],
    ["strike", "~gone~", [h("del", {}, "gone")]],
    ["nested", "*bold _and italic_*", [h("b", {}, "bold ", h("i", {}, "and italic"))]],
    ["inline code", "run `kubectl top`", ["run ", h("code", { class: "mk-code" }, "kubectl top")]],
    ["no bold inside code", "`*not bold*`", [h("code", { class: "mk-code" }, "*not bold*")]],
    ["snake_case stays", "snake_case_name", ["snake_case_name"]],
    ["a lone star", "5 * 3 = 15", ["5 * 3 = 15"]],
    ["no bold across lines", "*a\nb*", ["*a", h("br"), "b*"]],
    ["newline", "a\nb", ["a", h("br"), "b"]],
    ["entities", "a &lt;b&gt; &amp;amp;", ["a <b> &amp;"]],
    [
      "link",
      "<https://x.dev/a?b=1|the docs>",
      [h("a", { href: "https://x.dev/a?b=1", class: "mk-link" }, "the docs")],
    ],
    [
      "bare link",
      "<https://x.dev/>",
      [h("a", { href: "https://x.dev/", class: "mk-link" }, "https://x.dev/")],
    ],
    ["unsafe link", "<javascript:alert(1)|click>", [h("span", {}, "click")]],
    [
      "user mention",
      "<@U0ONCALL1>",
      [h("span", { class: "mk-mention", "data-user": "U0ONCALL1" }, "@alice")],
    ],
    [
      "unknown user",
      "<@U0NOBODY1>",
      [h("span", { class: "mk-mention", "data-user": "U0NOBODY1" }, "@U0NOBODY1")],
    ],
    ["channel", "<#C0RDEVOPS1>", [h("span", { class: "mk-channel" }, "#rdev-ops")]],
    ["here", "<!here>", [h("span", { class: "mk-mention mk-broadcast" }, "@here")]],
    ["date fallback", "<!date^1392734382^{date}|Feb 18>", [h("span", {}, "Feb 18")]],
    ["emoji", "ok :white_check_mark: :no_such_emoji:", ["ok ✅ :no_such_emoji:"]],
    ["no emoji in code", "`:x:`", [h("code", { class: "mk-code" }, ":x:")]],
    ["code block", "```\nline 1\n  line 2\n```", [h("pre", { class: "mk-pre" }, "line 1\n  line 2")]],
    [
      "code block between text",
      "before\n```a *b*```\nafter",
      ["before", h("pre", { class: "mk-pre" }, "a *b*"), "after"],
    ],
    [
      "quote",
      "> quoted *text*\nnot",
      [h("blockquote", { class: "mk-quote" }, "quoted ", h("b", {}, "text")), "not"],
    ],
  ])("%s", (_name, input, expected) => {
    expect(md(input)).toEqual(expected);
  });

  it("shows what escapeMrkdwn / code / codeBlock protect as literal text, never as markup", () => {
    const hostile = "<img src=x onerror=alert(1)> <@U0ONCALL1> *not bold* <!channel>";
    for (const text of [escapeMrkdwn(hostile), code(hostile), codeBlock(hostile)]) {
      const nodes = md(text);
      expect(elementsOf(nodes).map((e) => e.tag)).not.toContain("a");
      expect(elementsOf(nodes).some((e) => e.attrs.class?.includes("mk-mention"))).toBe(false);
      expect(textOf(nodes)).toContain("<img src=x onerror=alert(1)>");
    }
  });

  it("decodes only the three entities Slack decodes", () => {
    expect(decodeEntities("&lt;&gt;&amp;&quot;&#39;")).toBe("<>&&quot;&#39;");
  });

  it("converts known emoji shortcodes", () => {
    expect(emojify(":warning: :large_green_circle: :+1: :custom:")).toBe("⚠️ 🟢 👍 :custom:");
  });
});

describe("safe attributes", () => {
  it.each([
    ["https://example.com/x", "https://example.com/x"],
    ["http://127.0.0.1:3000/", "http://127.0.0.1:3000/"],
    ["mailto:oncall@example.com", "mailto:oncall@example.com"],
    ["/ui/files/F0000000001/memory.png", "/ui/files/F0000000001/memory.png"],
    ["javascript:alert(1)", null],
    [" JaVaScRiPt:alert(1)", null],
    ["data:text/html,<script>", null],
    ["/ui/state", null],
    ["//evil.example/x", null],
  ])("safeUrl(%j) = %j", (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });

  it("drops event handlers, styles and unsafe URLs, and opens outside links in a new tab", () => {
    expect(
      safeAttrs("a", { href: "https://x.dev/", onclick: "alert(1)", style: "color:red", "data-ts": "1.0" }),
    ).toEqual({ href: "https://x.dev/", "data-ts": "1.0", target: "_blank", rel: "noopener noreferrer" });
    expect(safeAttrs("img", { src: "javascript:alert(1)", onerror: "alert(1)", alt: "x" })).toEqual({
      alt: "x",
    });
    expect(safeAttrs("div", { href: "https://x.dev/", class: "c" })).toEqual({ class: "c" });
  });
});

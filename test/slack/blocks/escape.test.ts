import {
  clip,
  code,
  codeBlock,
  escapeEntities,
  escapeMrkdwn,
  escapeWithTerms,
  plain,
} from "@rdev/bot/render/blocks/escape.ts";
import { describe, expect, it } from "vitest";

describe("escapeMrkdwn", () => {
  it.each([
    ["rdev-api-7c9", "rdev-api-7c9"],
    ["a & b", "a &amp; b"],
    ["<!channel> ping", "&lt;!channel&gt; ping"],
    ["<@U024BE7LH> look", "&lt;@U024BE7LH&gt; look"],
    ["<!subteam^S012|@oncall>", "&lt;!subteam^S012|@oncall&gt;"],
    ["<http://evil.example|click>", "&lt;http://evil.example|click&gt;"],
    ["*bold* _it_ ~gone~ `code`", "∗bold∗ ˍitˍ ∼gone∼ ˋcodeˋ"],
    ["hey @channel and @here, @everyone", "hey @\u200bchannel and @\u200bhere, @\u200beveryone"],
    ["email@channelside.io", "email@channelside.io"],
    [
      "sse_connections_active and CACHE_TTL stay copyable",
      "sse_connections_active and CACHE_TTL stay copyable",
    ],
    ["(*Broker).Subscribe", "(∗Broker).Subscribe"],
    ["_edge_ a_b_", "ˍedgeˍ a_bˍ"],
    ["&amp; already", "&amp;amp; already"],
    ["bell\u0007 and escape\u001b[31m", "bell and escape[31m"],
  ])("%j -> %j", (input, out) => expect(escapeMrkdwn(input)).toBe(out));
});

describe("escapeWithTerms", () => {
  it("sets identifiers as code and escapes the rest", () => {
    expect(
      escapeWithTerms("heap profile of rdev-api-x: 92% under sse.(*Broker).Subscribe *now*", [
        "rdev-api-x",
        "sse.(*Broker).Subscribe",
      ]),
    ).toBe("heap profile of `rdev-api-x`: 92% under `sse.(*Broker).Subscribe` ∗now∗");
  });
  it("prefers the longest term and ignores empty ones", () => {
    expect(escapeWithTerms("go_goroutines tracking go", ["go", "go_goroutines", ""])).toBe(
      "`go_goroutines` tracking `go`",
    );
  });
  it("escapes hostile terms too", () => {
    expect(escapeWithTerms("pod <!channel>`x", ["<!channel>`x"])).toBe("pod `&lt;!channel&gt;ˋx`");
  });
});

describe("code, codeBlock, plain", () => {
  it.each([
    [
      "github.com/rdev/rdev/internal/sse.(*Broker).Subscribe",
      "`github.com/rdev/rdev/internal/sse.(*Broker).Subscribe`",
    ],
    ["a`b", "`aˋb`"],
    ["<!here>", "`&lt;!here&gt;`"],
    ["two\nlines", "`two lines`"],
    ["", "` `"],
  ])("code(%j) = %j", (input, out) => expect(code(input)).toBe(out));

  it("keeps a code block closed whatever the text", () => {
    expect(codeBlock("x ``` <!channel>\ny")).toBe("```\nx ˋˋˋ &lt;!channel&gt;\ny\n```");
  });

  it("plain strips control characters and newlines", () => {
    expect(plain("a\nb\u0000c")).toBe("a bc");
    expect(escapeEntities("<>")).toBe("&lt;&gt;");
  });
});

describe("clip", () => {
  it("leaves short text alone", () => expect(clip("abc", 3)).toBe("abc"));
  it("cuts with an ellipsis within the limit", () => {
    const out = clip("x".repeat(100), 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out.endsWith("…")).toBe(true);
  });
  it("never splits an entity", () => {
    const out = clip(`${"a".repeat(12)}&amp;&lt;bbbbbbbbbb`, 20);
    expect(out).toBe(`${"a".repeat(12)}…`);
  });
  it("never splits a surrogate pair", () => {
    const out = clip(`${"a".repeat(14)}😀😀😀😀`, 20);
    expect(out).toBe(`${"a".repeat(14)}…`);
  });
  it("closes a code span or block it cuts open", () => {
    expect(clip(`see \`${"x".repeat(40)}\``, 20)).toBe(`see \`${"x".repeat(10)}…\``);
    const block = clip(`\`\`\`\n${"line\n".repeat(40)}\`\`\``, 60);
    expect(block.length).toBeLessThanOrEqual(60);
    expect(block.endsWith("…\n```")).toBe(true);
  });
});

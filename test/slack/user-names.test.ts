// People's names for files: users.info through the real WebClient against the fake Slack, which
// answers with Slack's documented payload (user.name, user.real_name, user.profile.display_name),
// cached, and a readable fallback when Slack cannot say (no users:read scope, unknown user).

import { ManualClock } from "@rdev/bot/clock.ts";
import { createUserNames, displayName } from "@rdev/bot/slack-web/user-names.ts";
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";

const { WebClient, LogLevel } = webApi;
const ANNA = { id: "U0DEVANNA1", name: "anna.k", realName: "Anna Kowalski", displayName: "anna" };
const LEE = { id: "U0LEAD0001", name: "lee", realName: "Lee Lead", displayName: "" };

let fake: FakeSlack;
let client: InstanceType<typeof WebClient>;
beforeEach(async () => {
  fake = await startFakeSlack();
  fake.setUser(ANNA);
  fake.setUser(LEE);
  client = new WebClient(fake.token, {
    slackApiUrl: fake.url,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
  });
});
afterEach(async () => {
  await fake.close();
});

describe("the fake Slack's users.info", () => {
  it("answers with Slack's documented shape", async () => {
    const reply = await client.users.info({ user: ANNA.id });
    expect(reply).toMatchObject({
      ok: true,
      user: {
        id: ANNA.id,
        team_id: fake.identity.teamId,
        name: "anna.k",
        real_name: "Anna Kowalski",
        deleted: false,
        is_bot: false,
        profile: {
          display_name: "anna",
          display_name_normalized: "anna",
          real_name: "Anna Kowalski",
          real_name_normalized: "Anna Kowalski",
        },
      },
    });
    expect((await client.users.info({ user: fake.identity.botUserId })).user).toMatchObject({ is_bot: true });
  });

  it("refuses unknown users, a missing argument and a token without users:read like Slack", async () => {
    const error = (call: Promise<unknown>) =>
      call.then(
        () => null,
        (e: { data?: Record<string, unknown> }) => e.data,
      );
    expect(await error(client.users.info({ user: "U0NOBODY01" }))).toMatchObject({ error: "user_not_found" });
    expect(await error(client.apiCall("users.info", {}))).toMatchObject({ error: "invalid_arguments" });
    fake.setScopes(["chat:write", "files:write"]);
    expect(await error(client.users.info({ user: ANNA.id }))).toEqual({
      ok: false,
      error: "missing_scope",
      needed: "users:read",
      provided: "chat:write,files:write",
      response_metadata: expect.anything(),
    });
  });
});

describe("createUserNames", () => {
  it.each([
    [
      "the display name",
      { id: "U1", name: "a", real_name: "B", profile: { display_name: "c", real_name: "B" } },
      "c",
    ],
    [
      "the real name when the display name is empty",
      { id: "U1", name: "a", profile: { display_name: " ", real_name: "B" } },
      "B",
    ],
    ["the account name when that is all", { id: "U1", name: "a" }, "a"],
    ["nothing", { id: "U1" }, null],
  ])("prefers %s", (_what, user, expected) => expect(displayName(user)).toBe(expected));

  it("looks each person up once, skips what is not a user id, and caches", async () => {
    const clock = new ManualClock();
    const names = createUserNames(client, { now: () => clock.now(), ttlMs: 60_000 });
    const first = await names.lookup([ANNA.id, LEE.id, ANNA.id, "alertmanager", "worker"]);
    expect([...first.values()]).toEqual([
      { id: ANNA.id, name: "anna" },
      { id: LEE.id, name: "Lee Lead" },
    ]);
    await names.lookup([ANNA.id]);
    expect(fake.callsTo("users.info")).toHaveLength(2);
    clock.advance(60_001);
    await names.lookup([ANNA.id]);
    expect(fake.callsTo("users.info")).toHaveLength(3);
  });

  it("says why a name is missing instead of failing", async () => {
    const names = createUserNames(client, { now: () => 0 });
    fake.setScopes(["chat:write"]);
    expect((await names.lookup([ANNA.id])).get(ANNA.id)).toEqual({
      id: ANNA.id,
      name: null,
      problem: "missing_scope",
    });
    fake.setScopes(null);
    expect((await names.lookup(["U0NOBODY01"])).get("U0NOBODY01")).toMatchObject({
      problem: "user_not_found",
    });
  });
});

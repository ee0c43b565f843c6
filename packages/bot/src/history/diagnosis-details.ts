// The full report behind a diagnosis' Details button. The worker stores it (already rendered as
// Block Kit, gzipped) before it posts the compact message; the app reads it with one GET when
// someone clicks Details and opens it in a modal, well within the 3 s a trigger_id lives. Kept as
// long as the incident history (HISTORY_RETENTION), and readable only from the conversations the
// diagnosis was posted in.
//
// Layout under prefix P (default KEY_PREFIX, "{rdev}"):
//   P:diagnosis:details:<id>   string  gzip(JSON DiagnosisDetails)
//
// What comes back from Redis is parsed into the few block shapes the report uses (unknown fields,
// accessories and links dropped) and every "<" is made an entity, so someone who can write to Redis
// cannot make the modal mention anyone or link anywhere.
import { gunzipSync, gzipSync } from "node:zlib";
import type { KnownBlock } from "@slack/types";
import { z } from "zod";
import { type RedisClient, withRedis } from "../redis.ts";
import { KEY_PREFIX } from "../redis-keys.ts";

const Text = z.object({
  type: z.enum(["mrkdwn", "plain_text"]),
  text: z.string().min(1).max(3000),
  emoji: z.boolean().optional(),
});
const DetailBlock = z.discriminatedUnion("type", [
  z.object({ type: z.literal("header"), text: Text }),
  z.object({ type: z.literal("section"), text: Text.optional(), fields: z.array(Text).max(10).optional() }),
  z.object({ type: z.literal("context"), elements: z.array(Text).min(1).max(10) }),
  z.object({ type: z.literal("divider") }),
]);

/** Blocks a modal may hold. */
export const MODAL_MAX_BLOCKS = 100;

export const DiagnosisDetails = z.object({
  version: z.literal(1),
  /** Conversations the diagnosis was posted in: the only ones whose Details button opens it. */
  channels: z.array(z.string().min(1)).min(1).max(100),
  /** Real time (ms) the diagnosis was taken. */
  at: z.number(),
  blocks: z.array(DetailBlock).min(1).max(MODAL_MAX_BLOCKS),
});
/** Details as read back: the blocks defused, ready for a modal. */
export type DiagnosisDetails = Omit<z.infer<typeof DiagnosisDetails>, "blocks"> & { blocks: KnownBlock[] };

/** Ids the worker makes (UUIDs); anything else in a button's value is refused before Redis. */
export const DetailsId = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/);

function defuse(block: z.infer<typeof DetailBlock>): KnownBlock {
  // Slack parses "<" only in mrkdwn (mentions, links); plain text is shown as it is.
  const text = (t: z.infer<typeof Text>) =>
    t.type === "mrkdwn" ? { ...t, text: t.text.replace(/</g, "&lt;") } : t;
  switch (block.type) {
    case "header":
      return { type: "header", text: { ...block.text, type: "plain_text" } };
    case "section":
      return {
        type: "section",
        ...(block.text ? { text: text(block.text) } : {}),
        ...(block.fields ? { fields: block.fields.map(text) } : {}),
      } as KnownBlock;
    case "context":
      return { type: "context", elements: block.elements.map(text) } as KnownBlock;
    case "divider":
      return { type: "divider" };
  }
}

/** The details of a stored value; null when it is not one (damaged, foreign, expired shape). */
export function parseDetails(raw: Buffer): DiagnosisDetails | null {
  try {
    const parsed = DiagnosisDetails.safeParse(JSON.parse(gunzipSync(raw).toString("utf8")));
    if (!parsed.success) return null;
    return { ...parsed.data, blocks: parsed.data.blocks.map(defuse) };
  } catch {
    return null;
  }
}

export type DiagnosisDetailsStoreOptions = {
  redis: RedisClient;
  prefix?: string;
  /** How long the details are kept (HISTORY_RETENTION). Default 90 days. */
  retentionMs?: number;
};

export type DiagnosisDetailsStore = ReturnType<typeof createDiagnosisDetailsStore>;

export function createDiagnosisDetailsStore(options: DiagnosisDetailsStoreOptions) {
  const { redis } = options;
  const prefix = options.prefix ?? KEY_PREFIX;
  const retentionMs = options.retentionMs ?? 90 * 86_400_000;
  const key = (id: string) => `${prefix}:diagnosis:details:${id}`;
  return {
    /** Stores the details under `id`; returns the stored size in bytes. */
    async save(
      id: string,
      details: { channels: string[]; at: number; blocks: KnownBlock[] },
    ): Promise<number> {
      const value = gzipSync(JSON.stringify(DiagnosisDetails.parse({ version: 1, ...details })));
      await withRedis("save diagnosis details", () => redis.set(key(id), value, "PX", retentionMs));
      return value.length;
    },

    /** The details, or null when none (expired, never stored, unreadable) are under `id`. */
    async get(id: string): Promise<DiagnosisDetails | null> {
      if (!DetailsId.safeParse(id).success) return null;
      const raw = await withRedis("read diagnosis details", () => redis.getBuffer(key(id)));
      return raw ? parseDetails(raw) : null;
    },
  };
}

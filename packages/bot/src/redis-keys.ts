// The names under which the bot keeps its keys, in one place. Both prefixes carry the hash tag
// {rdev}: Redis Cluster hashes only the part inside the first {...}, so every key of the stores
// (incidents, proposals, history, flights, rate limits, replay guard) and of BullMQ's queues lands
// in one slot. That is what lets each Lua script and MULTI keep working on a cluster, including
// the scripts that build keys from a prefix passed in ARGV (the incident store's key index, the
// single-flight joiners): Redis 7 refuses a script touching keys of another slot.
//
// The price: on a Redis Cluster the bot's data lives on one master (and its replicas). The bot's
// data is small (a few MB per thousand incidents) and its load light, so one slot is plenty; the
// cluster still gives failover, and the bot can share a cluster with other applications.
//
// Tests give each test its own prefix; on a cluster they must carry a hash tag too ({t-abc}).

/** Prefix of the stores' keys: `{rdev}:incident:<id>`, `{rdev}:proposal:<id>`, ... */
export const KEY_PREFIX = "{rdev}";

/** BullMQ's prefix for every queue (BullMQ's "Redis Cluster" guide): `{rdev}:bull:rdev-diagnose:...`. */
export const QUEUE_PREFIX = "{rdev}:bull";

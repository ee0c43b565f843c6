// Lua scripts of the incident store. Each runs atomically in Redis, which is what makes a storm of
// notifications from several app replicas open exactly one incident. Scripts touch keys derived
// from the incident id (known only inside the script), so they need a standalone Redis (or every
// key under one hash tag), which BullMQ needs as well.
// Scripts return only strings, numbers and arrays: RESP3 maps Lua booleans differently.

/**
 * KEYS: 1 key index, 2 open zset, 3 all zset.
 * ARGV: 1 incident key prefix ("P:incident:"), 2 new id, 3 now ms, 4 alert status, 5 fingerprint,
 *       6 alert JSON, 7 static fields JSON (flat string map), 8 timeline max, 9 retention ms,
 *       10 "opened" timeline entry JSON, 11 alert timeline entry JSON, 12 severity rank of a firing
 *       alert (-1 when resolved), 13 its severity, 14 its summary.
 * Severity only goes up while open: a firing alert of a higher rank than the incident's replaces
 * severity and summary (an equal rank fills a missing summary); a resolving alert changes neither.
 * Returns { id | "", created 0|1, HGETALL incident, HGETALL alerts }.
 */
export const OPEN_OR_UPDATE = `
local id = redis.call('GET', KEYS[1])
local created = 0
local now = tonumber(ARGV[3])
if not id then
  if ARGV[4] ~= 'firing' then return {'', 0, {}, {}} end
  id = ARGV[2]
  local base = ARGV[1] .. id
  redis.call('SET', KEYS[1], id)
  local args = {'id', id, 'status', 'open', 'createdAt', ARGV[3], 'updatedAt', ARGV[3], 'notifications', '0'}
  for k, v in pairs(cjson.decode(ARGV[7])) do
    args[#args + 1] = k
    args[#args + 1] = v
  end
  redis.call('HSET', base, unpack(args))
  redis.call('ZADD', KEYS[2], now, id)
  redis.call('ZADD', KEYS[3], now, id)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. tostring(now - tonumber(ARGV[9])))
  redis.call('RPUSH', base .. ':timeline', ARGV[10])
  created = 1
end
local base = ARGV[1] .. id
local alertsKey = base .. ':alerts'
local prev = redis.call('HGET', alertsKey, ARGV[5])
local prevStatus = ''
if prev then prevStatus = cjson.decode(prev).status end
redis.call('HSET', alertsKey, ARGV[5], ARGV[6])
redis.call('HINCRBY', base, 'notifications', 1)
redis.call('HSET', base, 'updatedAt', ARGV[3])
local rank = tonumber(ARGV[12])
if rank >= 0 then
  local cur = tonumber(redis.call('HGET', base, 'severityRank') or '-1')
  local hasSummary = redis.call('HEXISTS', base, 'summary') == 1
  if rank > cur or (rank == cur and not hasSummary and ARGV[14] ~= '') then
    redis.call('HSET', base, 'severityRank', ARGV[12])
    if ARGV[13] ~= '' then redis.call('HSET', base, 'severity', ARGV[13]) end
    if ARGV[14] ~= '' then redis.call('HSET', base, 'summary', ARGV[14]) end
  end
end
if prevStatus ~= ARGV[4] then
  redis.call('RPUSH', base .. ':timeline', ARGV[11])
  redis.call('LTRIM', base .. ':timeline', -tonumber(ARGV[8]), -1)
end
return {id, created, redis.call('HGETALL', base), redis.call('HGETALL', alertsKey)}
`;

/**
 * KEYS: 1 incident hash, 2 open zset.
 * ARGV: 1 id, 2 now ms, 3 resolved by, 4 retention ms, 5 timeline entry JSON, 6 key index prefix
 *       ("P:incident-key:"), 7 timeline max.
 * Returns { "resolved" | "already_resolved" | "not_found", HGETALL incident, HGETALL alerts }.
 */
export const RESOLVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found', {}, {}} end
local base = KEYS[1]
if redis.call('HGET', base, 'status') == 'resolved' then
  return {'already_resolved', redis.call('HGETALL', base), redis.call('HGETALL', base .. ':alerts')}
end
redis.call('HSET', base, 'status', 'resolved', 'resolvedAt', ARGV[2], 'resolvedBy', ARGV[3], 'updatedAt', ARGV[2])
local indexKey = ARGV[6] .. redis.call('HGET', base, 'key')
if redis.call('GET', indexKey) == ARGV[1] then redis.call('DEL', indexKey) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('RPUSH', base .. ':timeline', ARGV[5])
redis.call('LTRIM', base .. ':timeline', -tonumber(ARGV[7]), -1)
for _, suffix in ipairs({'', ':alerts', ':timeline', ':root-claim'}) do
  redis.call('PEXPIRE', base .. suffix, ARGV[4])
end
return {'resolved', redis.call('HGETALL', base), redis.call('HGETALL', base .. ':alerts')}
`;

/**
 * KEYS: 1 incident hash, 2 root-claim key. ARGV: 1 owner, 2 lease ms.
 * Returns 1 when this caller may post the root message, 0 otherwise.
 */
export const CLAIM_ROOT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'rootTs') == 1 then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

/**
 * KEYS: 1 incident hash, 2 root-claim key, 3 timeline. ARGV: 1 channel, 2 ts, 3 timeline entry JSON,
 * 4 timeline max.
 * Returns 1 when recorded, 0 when a root was already recorded, -1 for an unknown incident.
 */
export const SET_ROOT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'rootTs') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'rootChannel', ARGV[1], 'rootTs', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('RPUSH', KEYS[3], ARGV[3])
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[4]), -1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
return 1
`;

/**
 * KEYS: 1 incident hash, 2 timeline. ARGV: 1 entry JSON, 2 timeline max.
 * Returns the timeline length, or -1 for an unknown incident. A resolved incident's timeline keeps
 * the incident's expiry.
 */
export const APPEND_TIMELINE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return redis.call('LLEN', KEYS[2])
`;

/**
 * KEYS: 1 incident hash. ARGV: 1 field, 2 value.
 * Sets one field of an existing incident (never creates a hash without TTL); 1 when set, 0 if gone.
 */
export const SET_FIELD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

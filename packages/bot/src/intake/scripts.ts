// Lua scripts of the incident store. Each runs atomically in Redis, which is what makes a storm of
// notifications from several app replicas open exactly one incident. Scripts touch keys derived
// from the incident id (known only inside the script), so they need a standalone Redis (or every
// key under one hash tag), which BullMQ needs as well.
// Scripts return only strings, numbers and arrays: RESP3 maps Lua booleans differently.

/**
 * Folds every alert of one incident key from one notification in one call, so a notification
 * costs one round trip per incident and work linear in its alerts (the alerts hash is returned
 * once, not once per alert).
 * KEYS: 1 key index, 2 open zset, 3 all zset, 4 recently-resolved pointer of the key, 5 this
 *       minute's new-incident counter.
 * ARGV: 1 incident key prefix ("P:incident:"), 2 new id, 3 now ms, 4 static fields JSON (flat string
 *       map), 5 timeline max, 6 retention ms, 7 "opened" timeline entry JSON, 8 alerts kept per
 *       incident, 9 items JSON: [{f fingerprint, s status, a stored alert JSON, t timeline entry
 *       JSON, r severity rank of a firing alert (-1 when resolved), v severity, m summary}],
 *       10 new incidents allowed per minute (0: no cap), 11 "reopened" timeline entry JSON,
 *       12 flap window ms (the pointer's expiry is real time; this check uses the caller's clock).
 * No open incident and nothing firing: nothing happens. No open incident but one of this key
 * resolved within the flap window (the pointer, set by RESOLVE): it is reopened. Otherwise a new
 * one opens; past the per-minute cap it is kept but marked suppressed (no thread of its own).
 * An alert with a fingerprint the incident does not know yet is dropped once the incident keeps
 * ARGV[8] alerts (a firing one is counted in alertsDropped).
 * Severity only goes up while open: a firing alert of a higher rank than the incident's replaces
 * severity and summary (an equal rank fills a missing summary); a resolving alert changes neither.
 * Returns { id | "", created 0|1, HGETALL incident, HGETALL alerts, reopened 0|1, suppressed 0|1,
 *           dropped now }.
 */
export const OPEN_OR_UPDATE = `
local items = cjson.decode(ARGV[9])
local id = redis.call('GET', KEYS[1])
local created, reopened, suppressed = 0, 0, 0
local now = tonumber(ARGV[3])
if not id then
  local firing = false
  for _, it in ipairs(items) do
    if it.s == 'firing' then firing = true break end
  end
  if not firing then return {'', 0, {}, {}, 0, 0, 0} end
  local recent = redis.call('GET', KEYS[4])
  local resolvedAt = recent and tonumber(redis.call('HGET', ARGV[1] .. recent, 'resolvedAt') or '') or nil
  if resolvedAt and now - resolvedAt <= tonumber(ARGV[12])
      and redis.call('HGET', ARGV[1] .. recent, 'status') == 'resolved' then
    id = recent
    local base = ARGV[1] .. id
    redis.call('HSET', base, 'status', 'open', 'updatedAt', ARGV[3])
    redis.call('HDEL', base, 'resolvedAt', 'resolvedBy')
    redis.call('HINCRBY', base, 'reopened', 1)
    redis.call('SET', KEYS[1], id)
    redis.call('DEL', KEYS[4])
    redis.call('ZADD', KEYS[2], tonumber(redis.call('HGET', base, 'createdAt')), id)
    for _, suffix in ipairs({'', ':alerts', ':timeline'}) do redis.call('PERSIST', base .. suffix) end
    redis.call('RPUSH', base .. ':timeline', ARGV[11])
    reopened = 1
  else
    id = ARGV[2]
    local base = ARGV[1] .. id
    redis.call('SET', KEYS[1], id)
    local args = {'id', id, 'status', 'open', 'createdAt', ARGV[3], 'updatedAt', ARGV[3], 'notifications', '0'}
    for k, v in pairs(cjson.decode(ARGV[4])) do
      args[#args + 1] = k
      args[#args + 1] = v
    end
    redis.call('HSET', base, unpack(args))
    redis.call('ZADD', KEYS[2], now, id)
    redis.call('ZADD', KEYS[3], now, id)
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. tostring(now - tonumber(ARGV[6])))
    redis.call('RPUSH', base .. ':timeline', ARGV[7])
    local cap = tonumber(ARGV[10])
    if cap > 0 then
      local n = redis.call('INCR', KEYS[5])
      if n == 1 then redis.call('PEXPIRE', KEYS[5], 180000) end
      if n > cap then
        redis.call('HSET', base, 'suppressed', '1')
        suppressed = 1
      end
    end
    created = 1
  end
end
local base = ARGV[1] .. id
local alertsKey = base .. ':alerts'
local timelineKey = base .. ':timeline'
local cap = tonumber(ARGV[8])
local count = redis.call('HLEN', alertsKey)
local dropped = 0
local cur = tonumber(redis.call('HGET', base, 'severityRank') or '-1')
local hasSummary = redis.call('HEXISTS', base, 'summary') == 1
for _, it in ipairs(items) do
  local prev = redis.call('HGET', alertsKey, it.f)
  if (not prev) and count >= cap then
    if it.s == 'firing' then dropped = dropped + 1 end
  else
    local prevStatus = ''
    if prev then prevStatus = cjson.decode(prev).status else count = count + 1 end
    redis.call('HSET', alertsKey, it.f, it.a)
    if it.r >= 0 and (it.r > cur or (it.r == cur and not hasSummary and it.m ~= '')) then
      cur = it.r
      redis.call('HSET', base, 'severityRank', it.r)
      if it.v ~= '' then redis.call('HSET', base, 'severity', it.v) end
      if it.m ~= '' then
        redis.call('HSET', base, 'summary', it.m)
        hasSummary = true
      end
    end
    if prevStatus ~= it.s then redis.call('RPUSH', timelineKey, it.t) end
  end
end
redis.call('LTRIM', timelineKey, -tonumber(ARGV[5]), -1)
redis.call('HINCRBY', base, 'notifications', #items)
if dropped > 0 then redis.call('HINCRBY', base, 'alertsDropped', dropped) end
redis.call('HSET', base, 'updatedAt', ARGV[3])
return {id, created, redis.call('HGETALL', base), redis.call('HGETALL', alertsKey), reopened, suppressed, dropped}
`;

/**
 * KEYS: 1 incident hash, 2 open zset.
 * ARGV: 1 id, 2 now ms, 3 resolved by, 4 retention ms, 5 timeline entry JSON, 6 key index prefix
 *       ("P:incident-key:"), 7 timeline max, 8 recently-resolved pointer prefix
 *       ("P:incident-recent:"), 9 flap window ms (0: none): a re-fire within it reopens this one.
 * Returns { "resolved" | "already_resolved" | "not_found", HGETALL incident, HGETALL alerts }.
 */
export const RESOLVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found', {}, {}} end
local base = KEYS[1]
if redis.call('HGET', base, 'status') == 'resolved' then
  return {'already_resolved', redis.call('HGETALL', base), redis.call('HGETALL', base .. ':alerts')}
end
redis.call('HSET', base, 'status', 'resolved', 'resolvedAt', ARGV[2], 'resolvedBy', ARGV[3], 'updatedAt', ARGV[2])
local incidentKey = redis.call('HGET', base, 'key')
local indexKey = ARGV[6] .. incidentKey
if redis.call('GET', indexKey) == ARGV[1] then redis.call('DEL', indexKey) end
if tonumber(ARGV[9]) > 0 then redis.call('SET', ARGV[8] .. incidentKey, ARGV[1], 'PX', ARGV[9]) end
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

/** KEYS: 1 a lease. ARGV: 1 owner. Deletes the lease when the owner holds it; 1 if deleted. */
export const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
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

// The proposal store's Lua scripts: each runs atomically; replies are arrays of strings
// { outcome, ... }. `now` is the caller's clock (ARGV[2]), so tests can inject time; Redis TTLs
// are only used for cleanup.

/** Shared checks: who already decided, and expiry. */
const DECIDED = `
local f = redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'claimedBy', 'claimedAt', 'cancelledBy', 'cancelledAt')
local status = f[1]
if status == 'claimed' then return {'already_claimed', f[3], f[4]} end
if status == 'cancelled' then return {'cancelled', f[5] or '', f[6] or ''} end
if status == 'incident_resolved' then return {'incident_resolved', f[6] or ''} end
if tonumber(ARGV[2]) >= tonumber(f[2]) then return {'expired', f[2]} end
`;

/**
 * One approval. KEYS: 1 proposal hash. ARGV: 1 user id, 2 now ms, 3 retention ms, 4 the approvals
 * the caller read ('' for none: compare-and-set, so two concurrent approvals cannot both count),
 * 5 the approvals with this one, 6 the approved params (JSON), 7 '1' when this approval completes
 * the proposal, 8 the seal of the completed proposal.
 * Replies: {'ok', hash} (claimed), {'partial', hash} (waits for another approver), {'conflict'}.
 */
export const APPROVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
${DECIDED}
local current = redis.call('HGET', KEYS[1], 'approvals') or ''
if current ~= ARGV[4] then return {'conflict'} end
redis.call('HSET', KEYS[1], 'approvals', ARGV[5], 'approvedParams', ARGV[6])
if ARGV[7] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'claimed', 'claimedBy', ARGV[1], 'claimedAt', ARGV[2], 'seal', ARGV[8])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'ok', redis.call('HGETALL', KEYS[1])}
end
return {'partial', redis.call('HGETALL', KEYS[1])}
`;

/** KEYS: 1 proposal hash. ARGV: 1 user id, 2 now ms, 3 retention ms. */
export const CANCEL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
${DECIDED}
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelledBy', ARGV[1], 'cancelledAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'ok', redis.call('HGETALL', KEYS[1])}
`;

/**
 * Undoes the completing approval when its job could not be queued. KEYS: 1 proposal hash. ARGV:
 * 1 user id, 2 now ms, 3 retention ms, 4 the approvals before it ('' for none). 1 when released.
 */
export const RELEASE = `
local f = redis.call('HMGET', KEYS[1], 'status', 'claimedBy', 'expiresAt', 'usedBy')
if f[1] ~= 'claimed' or f[2] ~= ARGV[1] or f[4] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending')
redis.call('HDEL', KEYS[1], 'claimedBy', 'claimedAt', 'seal')
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[1], 'approvals', 'approvedParams')
else
  redis.call('HSET', KEYS[1], 'approvals', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(f[3]) - tonumber(ARGV[2])) + tonumber(ARGV[3]))
return 1
`;

/**
 * The worker takes a claimed proposal for one job, once. KEYS: 1 proposal hash. ARGV: 1 job id,
 * 2 now ms. Replies: {'ok'} (first use, or the same job again), {'not_found'}, {'not_claimed', status},
 * {'used', by, at}.
 */
export const MARK_USED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
local f = redis.call('HMGET', KEYS[1], 'status', 'usedBy', 'usedAt')
if f[1] ~= 'claimed' then return {'not_claimed', f[1] or ''} end
if f[2] then
  if f[2] == ARGV[1] then return {'ok'} end
  return {'used', f[2], f[3] or ''}
end
redis.call('HSET', KEYS[1], 'usedBy', ARGV[1], 'usedAt', ARGV[2])
return {'ok'}
`;

/**
 * KEYS: 1 the incident's proposal-id set. ARGV: 1 proposal key prefix, 2 now ms, 3 retention ms.
 * Returns how many pending proposals were withdrawn.
 */
export const EXPIRE_FOR_INCIDENT = `
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. id
  -- A next step offered after a fix that did not hold (keepAfterResolve) stays offered.
  if redis.call('HGET', key, 'status') == 'pending' and redis.call('HGET', key, 'keepAfterResolve') ~= '1' then
    redis.call('HSET', key, 'status', 'incident_resolved', 'cancelledBy', 'incident', 'cancelledAt', ARGV[2])
    redis.call('PEXPIRE', key, ARGV[3])
    count = count + 1
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return count
`;

/**
 * Lua scripts, so that each consistency decision is one atomic step inside Redis: nothing another
 * process does can fall between the version check and the write.
 */

/** KEYS: the entry, then its tables' version keys. ARGV: payload, ttl ms, then the expected versions. */
export const STORE_IF_CURRENT = `
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[i + 1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/**
 * KEYS: version keys. ARGV: a random start per key. A missing key (never written, or lost with a
 * Redis restart or eviction) starts at a random value instead of 0, so it cannot come back equal to
 * a version an old entry was stored under.
 */
export const BUMP_VERSIONS = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then redis.call('SET', KEYS[i], ARGV[i]) end
  redis.call('INCR', KEYS[i])
end
return #KEYS`;

/** KEYS: version keys. ARGV: a random start per key. Returns every version, creating missing ones. */
export const READ_OR_INIT_VERSIONS = `
local out = {}
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i], 'NX')
  out[i] = redis.call('GET', KEYS[i])
end
return out`;

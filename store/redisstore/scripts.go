package redisstore

import "github.com/redis/go-redis/v9"

// Each script touches one subject's keys (one hash slot) and so runs atomically on Cluster too.
// On a single server (standalone or Sentinel) the scripts also maintain the kind sets, which live
// in other slots, inside the same atomic step; on Cluster the client does that in a second step
// (see Store.cluster).

// putScript writes a record and adds it to the subject's index, whose expiry it keeps at or after
// the record's. KEYS: record, index[, kind set, kinds]. ARGV: member, value, expiry ms or 0,
// "1" for if-absent, subject, kind. Returns 1 if it wrote.
var putScript = redis.NewScript(`
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local existed = redis.call('EXISTS', KEYS[2])
if ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('PERSIST', KEYS[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[1])
  if existed == 0 then
    redis.call('PEXPIREAT', KEYS[2], ARGV[3])
  else
    local ittl = redis.call('PTTL', KEYS[2])
    if ittl >= 0 and redis.call('PTTL', KEYS[1]) > ittl then
      redis.call('PEXPIREAT', KEYS[2], ARGV[3])
    end
  end
end
if #KEYS >= 4 then
  redis.call('SADD', KEYS[3], ARGV[5])
  redis.call('SADD', KEYS[4], ARGV[6])
end
return 1
`)

// deleteScript removes a record and its index entry. KEYS: record, index. ARGV: member.
// Returns 1 if the record existed.
var deleteScript = redis.NewScript(`
local n = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return n
`)

// deleteSubjectScript removes every record in a subject's index and the index itself, and on a
// single server the subject from every kind set. KEYS: index. ARGV: record key prefix, subject,
// kinds key ("" on Cluster), kind set prefix. Returns how many records existed.
var deleteSubjectScript = redis.NewScript(`
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('DEL', ARGV[1] .. m)
end
redis.call('DEL', KEYS[1])
if ARGV[3] ~= '' then
  for _, k in ipairs(redis.call('SMEMBERS', ARGV[3])) do
    redis.call('SREM', ARGV[4] .. k, ARGV[2])
  end
end
return n
`)

// pruneScript drops index entries whose records have expired, checking each again so a record
// written since the caller looked keeps its entry. KEYS: index. ARGV: record key prefix, members...
var pruneScript = redis.NewScript(`
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    redis.call('SREM', KEYS[1], ARGV[i])
  end
end
return 0
`)

// listScript reads a subject's records of one kind in one round trip: the index, then each
// matching record. KEYS: index. ARGV: record key prefix, member prefix ("" for every kind), the
// most members to read this way. Returns member, value pairs (a missing record's value is nil),
// or nil when the index holds more members than that (the caller then reads in batches, so one
// script never blocks the server for long).
var listScript = redis.NewScript(`
if redis.call('SCARD', KEYS[1]) > tonumber(ARGV[3]) then return false end
local out = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if ARGV[2] == '' or string.sub(m, 1, #ARGV[2]) == ARGV[2] then
    out[#out + 1] = m
    out[#out + 1] = redis.call('GET', ARGV[1] .. m)
  end
end
return out
`)

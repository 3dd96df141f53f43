--[[
  The admission rule. Walks join requests in log order and admits while the room has a free slot
  and a reservable unit. Idempotent on ticket state: replaying the same seqs after a crash admits
  nobody twice.
  KEYS[1] room hash   KEYS[2] tickets hash   KEYS[3] expiries zset   KEYS[4] left zset
  ARGV[1] now ms   ARGV[2] now s   ARGV[3] heartbeat grace s   ARGV[4..] seqs in log order
  Returns {processed, stop, admittedNow, soldOut}
    processed  how many leading seqs are done (their offsets may be committed)
    stop       0 went through all, 1 room full (wait for a slot), 2 room paused
]]
local rcall = redis.call
local room, tickets, expiries, left = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, nowS, grace = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])

local r = rcall("HMGET", room, "serving", "admitted", "reservable", "capacity", "ttl", "paused", "soldout")
if not r[1] then return {0, 0, 0, 0} end
local serving, admitted, reservable = tonumber(r[1]), tonumber(r[2]), tonumber(r[3])
local capacity, ttl, paused, soldout = tonumber(r[4]), tonumber(r[5]), r[6] == "1", r[7] == "1"

local processed, stop, admittedNow, changed = 0, 0, 0, false
for i = 4, #ARGV do
  local seq = ARGV[i]
  local rec = rcall("HGET", tickets, seq)
  if rec and string.sub(rec, 1, 1) == "W" then
    local lastSeen = tonumber(string.match(rec, "^W|[^|]*|([^|]*)|")) or nowS
    if nowS - lastSeen > grace then
      -- Owner stopped watching: skip them so an abandoned line never stalls.
      rcall("HSET", tickets, seq, "L|0|" .. lastSeen .. "|")
      changed = true
    elseif reservable <= 0 and admitted <= 0 then
      soldout = true
      rcall("HSET", tickets, seq, "S|0|" .. lastSeen .. "|")
      changed = true
    elseif paused then
      stop = 2
      break
    elseif admitted >= capacity or reservable <= 0 then
      stop = 1
      break
    else
      local expires = now + ttl
      rcall("HSET", tickets, seq, "A|" .. expires .. "|" .. lastSeen .. "|")
      rcall("ZADD", expiries, expires, seq)
      admitted = admitted + 1
      reservable = reservable - 1
      admittedNow = admittedNow + 1
      changed = true
    end
  end
  local n = tonumber(seq)
  if n > serving then serving = n end
  processed = processed + 1
end

if processed > 0 then
  -- Leave records behind the serving point no longer affect anyone's "people ahead".
  rcall("ZREMRANGEBYSCORE", left, "-inf", serving)
  rcall("HSET", room, "serving", serving, "admitted", admitted, "reservable", reservable, "soldout", soldout and 1 or 0)
  if admittedNow > 0 then rcall("HINCRBY", room, "admittedTotal", admittedNow) end
  if changed or admittedNow > 0 then rcall("HINCRBY", room, "version", 1) end
end
return {processed, stop, admittedNow, soldout and 1 or 0}

--[[
  Checkout succeeded (the order is committed in MySQL): PAYING -> PURCHASED, the held unit is sold
  and the slot frees. Idempotent. Tells the workers a slot is free and returns the room as it is
  now, so the API's checkout needs one round trip instead of four (script, PUBLISH, HGETALL, ZCARD).
  KEYS[1] room hash   KEYS[2] tickets hash   KEYS[3] expiries zset   KEYS[4] left zset
  ARGV[1] seq   ARGV[2] orderId   ARGV[3] slot channel   ARGV[4] product id   ARGV[5] ticket channel
  Returns {1 done | 0 already done, room hash as a flat list, left count}; -5 unknown ticket
]]
local rcall = redis.call
local room, tickets, expiries, left = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local rec = rcall("HGET", tickets, ARGV[1])
if not rec then return -5 end
local state, expires, lastSeen = string.match(rec, "^(.)|([^|]*)|([^|]*)|")
if state == "D" then return {0, rcall("HGETALL", room), rcall("ZCARD", left)} end
rcall("HSET", tickets, ARGV[1], "D|" .. expires .. "|" .. lastSeen .. "|" .. ARGV[2])
rcall("ZREM", expiries, ARGV[1])
rcall("HINCRBY", room, "sold", 1)
if state == "A" or state == "P" then
  rcall("HINCRBY", room, "admitted", -1)
else
  -- The hold had expired and its unit was returned; MySQL's stock guard still sold it to us,
  -- so take it back from the pool (never below zero: MySQL is the truth, the reconciler fixes drift).
  local reservable = tonumber(rcall("HGET", room, "reservable"))
  if reservable > 0 then rcall("HINCRBY", room, "reservable", -1) end
end
local r = rcall("HMGET", room, "reservable", "admitted")
if tonumber(r[1]) <= 0 and tonumber(r[2]) <= 0 then rcall("HSET", room, "soldout", 1) end
rcall("HINCRBY", room, "version", 1)
rcall("PUBLISH", ARGV[3], ARGV[4])
rcall("PUBLISH", ARGV[5], ARGV[4] .. ":" .. ARGV[1])
return {1, rcall("HGETALL", room), rcall("ZCARD", left)}

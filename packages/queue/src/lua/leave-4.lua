--[[
  A shopper leaves the line (or gives up their checkout slot).
  KEYS[1] room hash   KEYS[2] tickets hash   KEYS[3] expiries zset   KEYS[4] left zset
  ARGV[1] seq   ARGV[2] ticket channel   ARGV[3] product id
  Returns 1 left a waiting place, 2 gave back a held unit, 0 nothing to do; -8 payment in progress
]]
local rcall = redis.call
local room, tickets, expiries, left = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local rec = rcall("HGET", tickets, ARGV[1])
if not rec then return 0 end
local state, expires, lastSeen = string.match(rec, "^(.)|([^|]*)|([^|]*)|")
if state == "P" then return -8 end
if state == "W" then
  rcall("HSET", tickets, ARGV[1], "L|0|" .. lastSeen .. "|")
  -- Remembered until admission passes it, so people behind see one fewer ahead right away.
  rcall("ZADD", left, ARGV[1], ARGV[1])
  rcall("HINCRBY", room, "version", 1)
  rcall("PUBLISH", ARGV[2], ARGV[3] .. ":" .. ARGV[1])
  return 1
end
if state == "A" then
  rcall("HSET", tickets, ARGV[1], "L|" .. expires .. "|" .. lastSeen .. "|")
  rcall("ZREM", expiries, ARGV[1])
  rcall("HINCRBY", room, "admitted", -1)
  rcall("HINCRBY", room, "reservable", 1)
  rcall("HSET", room, "soldout", 0)
  rcall("HINCRBY", room, "version", 1)
  rcall("PUBLISH", ARGV[2], ARGV[3] .. ":" .. ARGV[1])
  return 2
end
return 0

--[[
  Checkout failed (declined card, processor error): PAYING -> ADMITTED so the shopper may retry
  until the deadline; past the deadline the ticket expires and its unit returns at once.
  KEYS[1] room hash   KEYS[2] tickets hash   KEYS[3] expiries zset
  ARGV[1] seq   ARGV[2] now ms   ARGV[3] ticket channel   ARGV[4] product id
  Returns 1 back to ADMITTED, 2 expired, 0 nothing to do
]]
local rcall = redis.call
local room, tickets, expiries = KEYS[1], KEYS[2], KEYS[3]
local rec = rcall("HGET", tickets, ARGV[1])
if not rec then return 0 end
local state, expires, lastSeen = string.match(rec, "^(.)|([^|]*)|([^|]*)|")
if state ~= "P" then return 0 end
if tonumber(expires) > tonumber(ARGV[2]) then
  rcall("HSET", tickets, ARGV[1], "A|" .. expires .. "|" .. lastSeen .. "|")
  rcall("PUBLISH", ARGV[3], ARGV[4] .. ":" .. ARGV[1])
  return 1
end
rcall("HSET", tickets, ARGV[1], "E|" .. expires .. "|" .. lastSeen .. "|")
rcall("ZREM", expiries, ARGV[1])
rcall("HINCRBY", room, "admitted", -1)
rcall("HINCRBY", room, "reservable", 1)
rcall("HSET", room, "soldout", 0)
rcall("HINCRBY", room, "version", 1)
rcall("PUBLISH", ARGV[3], ARGV[4] .. ":" .. ARGV[1])
return 2

--[[
  Checkout starts: ADMITTED -> PAYING, so a second submit cannot start a second payment.
  KEYS[1] room hash   KEYS[2] tickets hash
  ARGV[1] seq   ARGV[2] now ms   ARGV[3] ticket channel   ARGV[4] product id
  Returns {0, expiresMs} started, {1, orderId} already purchased;
    -5 unknown ticket, -6 not admitted, -7 expired, -8 already paying, -4 sold out
]]
local rcall = redis.call
local tickets = KEYS[2]
local rec = rcall("HGET", tickets, ARGV[1])
if not rec then return -5 end
local state, expires, lastSeen, orderId = string.match(rec, "^(.)|([^|]*)|([^|]*)|(.*)$")
if state == "D" then return {1, tonumber(orderId) or 0} end
if state == "P" then return -8 end
if state == "E" then return -7 end
if state == "S" then return -4 end
if state ~= "A" then return -6 end
-- Past the deadline but not yet swept: refuse; the sweeper returns the unit.
if tonumber(expires) <= tonumber(ARGV[2]) then return -7 end
rcall("HSET", tickets, ARGV[1], "P|" .. expires .. "|" .. lastSeen .. "|")
-- Every ticket change bumps the room's version: watchers keep a ticket's record until it moves.
rcall("HINCRBY", KEYS[1], "version", 1)
-- The process watching this ticket re-reads it on this message (it no longer polls holders).
rcall("PUBLISH", ARGV[3], ARGV[4] .. ":" .. ARGV[1])
return {0, tonumber(expires)}

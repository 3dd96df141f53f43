--[[
  Rebuild a room's counters from the truth: MySQL's stock and sold count, and the tickets that
  still hold a unit (those in the expiries zset in state A or P).
  KEYS[1] room hash   KEYS[2] tickets hash   KEYS[3] expiries zset
  ARGV[1] stock in MySQL (units not sold nor pending)   ARGV[2] sold (paid orders)
  ARGV[3] pending orders (their unit already left MySQL stock while the ticket is PAYING)
  Returns {reservable, admitted, sold}
]]
local rcall = redis.call
local room, tickets, expiries = KEYS[1], KEYS[2], KEYS[3]
local stock, sold = tonumber(ARGV[1]), tonumber(ARGV[2])
local pending = tonumber(ARGV[3])
local held, paying = 0, 0
for _, seq in ipairs(rcall("ZRANGE", expiries, 0, -1)) do
  local rec = rcall("HGET", tickets, seq)
  local state = rec and string.sub(rec, 1, 1)
  if state == "A" or state == "P" then
    held = held + 1
    if state == "P" then paying = paying + 1 end
  else rcall("ZREM", expiries, seq) end
end
local unpaidHolds = held - math.min(paying, pending)
local reservable = stock - unpaidHolds
if reservable < 0 then reservable = 0 end
rcall("HSET", room, "reservable", reservable, "admitted", held, "sold", sold,
  "soldout", (reservable <= 0 and held <= 0) and 1 or 0)
rcall("HINCRBY", room, "version", 1)
return {reservable, held, sold}

--[[
  Sweeper: admitted tickets past their deadline become EXPIRED and their unit goes back to the line.
  Tickets in PAYING get an extra grace (a payment may be in flight); after it they expire too.
  KEYS[1] room hash   KEYS[2] tickets hash   KEYS[3] expiries zset
  ARGV[1] now ms   ARGV[2] paying grace ms   ARGV[3] max tickets per call
  ARGV[4] ticket channel   ARGV[5] product id
  Returns the number of tickets expired.
]]
local rcall = redis.call
local room, tickets, expiries = KEYS[1], KEYS[2], KEYS[3]
local now, payingGrace = tonumber(ARGV[1]), tonumber(ARGV[2])

local due = rcall("ZRANGEBYSCORE", expiries, "-inf", now, "LIMIT", 0, tonumber(ARGV[3]))
local expired = 0
for _, seq in ipairs(due) do
  local rec = rcall("HGET", tickets, seq)
  local state = rec and string.sub(rec, 1, 1)
  local expires, lastSeen = 0, "0"
  if rec then expires, lastSeen = string.match(rec, "^.|([^|]*)|([^|]*)|") expires = tonumber(expires) end
  if state == "A" or (state == "P" and expires + payingGrace <= now) then
    rcall("HSET", tickets, seq, "E|" .. expires .. "|" .. lastSeen .. "|")
    rcall("HINCRBY", room, "admitted", -1)
    rcall("HINCRBY", room, "reservable", 1)
    rcall("HSET", room, "soldout", 0)
    rcall("ZREM", expiries, seq)
    rcall("PUBLISH", ARGV[4], ARGV[5] .. ":" .. seq)
    expired = expired + 1
  elseif state ~= "P" then
    rcall("ZREM", expiries, seq)
  end
end
if expired > 0 then rcall("HINCRBY", room, "version", 1) end
return expired

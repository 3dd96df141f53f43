--[[
  Give a user a place in line, or return the place they already have (one active ticket per user).
  KEYS[1] room hash   KEYS[2] tickets hash (seq -> record)   KEYS[3] users hash (userId -> seq)
  ARGV[1] userId   ARGV[2] now ms   ARGV[3] now s
  Record format: state|expiresMs|lastSeenS|orderId
  Returns {seq, created 0|1, state letter}
    -1 no room, -2 sale not started, -3 sale ended, -4 sold out
]]
local rcall = redis.call
local room, tickets, users = KEYS[1], KEYS[2], KEYS[3]
local userId, now = ARGV[1], tonumber(ARGV[2])

local r = rcall("HMGET", room, "starts", "ends", "soldout")
if not r[1] then return -1 end

local existing = rcall("HGET", users, userId)
if existing then
  local rec = rcall("HGET", tickets, existing)
  if rec then
    local state = string.sub(rec, 1, 1)
    -- Active or finished-with-a-purchase tickets are returned as they are; a user who left or
    -- expired may line up again, at the back.
    if state == "W" or state == "A" or state == "P" or state == "D" or state == "S" then
      return {tonumber(existing), 0, state}
    end
  end
end

if now < tonumber(r[1]) then return -2 end
local ends = tonumber(r[2])
if ends > 0 and now >= ends then return -3 end
if r[3] == "1" then return -4 end

local seq = rcall("HINCRBY", room, "seq", 1)
rcall("HSET", tickets, seq, "W|0|" .. ARGV[3] .. "|")
rcall("HSET", users, userId, seq)
return {seq, 1, "W"}

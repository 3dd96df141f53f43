--[[
  Give a user a place in line, or return the place they already have (one active ticket per user),
  after counting the attempt against the caller's rate limit (the API's per-IP join limit), so a
  limited join is one script call.
  KEYS[1] room hash   KEYS[2] tickets hash (seq -> record)   KEYS[3] users hash (userId -> seq)
  KEYS[4] the limit's counter for this product, in the room's hash tag (without a limit the caller
          repeats KEYS[1]; it is not touched)
  ARGV[1] userId   ARGV[2] now ms   ARGV[3] now s
  ARGV[4] points per window (0: no limit)   ARGV[5] window ms
  Record format: state|expiresMs|lastSeenS|orderId
  Returns {seq, created 0|1, state letter}
    -1 no room, -2 sale not started, -3 sale ended, -4 sold out
    {-10, ms until the window ends} rate limited
]]
local rcall = redis.call
local room, tickets, users = KEYS[1], KEYS[2], KEYS[3]
local userId, now = ARGV[1], tonumber(ARGV[2])

-- The limit comes first and counts every attempt, whatever the join's answer (a repeat join, a sale
-- not started, no room). Fixed window, with the counter rate-limiter-flexible's Redis limiter keeps
-- (an integer with the window as its expiry): the first attempt opens the window, attempts past the
-- points are refused until it ends.
local points = tonumber(ARGV[4])
if points > 0 then
  local counter = KEYS[4]
  rcall("SET", counter, 0, "PX", ARGV[5], "NX")
  local used = rcall("INCR", counter)
  local ttl = rcall("PTTL", counter)
  if ttl == -1 then
    -- A counter left without an expiry would block the key for good.
    rcall("PEXPIRE", counter, ARGV[5])
    ttl = tonumber(ARGV[5])
  end
  if used > points then return {-10, ttl} end
end

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

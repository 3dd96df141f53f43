--[[
  Give users places in line, or return the places they already have (one active ticket per user),
  for a batch of joins to one room, in the order they arrived: the API sends the joins that reach
  it together as one script call (join-batch.ts), so Redis and the client pay for one call, not one
  per join. Each join first counts its attempt against its caller's rate limit (the API's per-IP
  join limit), so a limited join costs no extra call.
  The key count varies with the batch (the caller passes it): one counter key per limit scope.
  KEYS[1] room hash   KEYS[2] tickets hash (seq -> record)   KEYS[3] users hash (userId -> seq)
  KEYS[4..] the limit counters the batch uses, one per scope, in the room's hash tag
  ARGV, five per join: userId, now ms, points per window (0: no limit), window ms,
                       index of its counter in KEYS (0: none)
  Record format: state|expiresMs|lastSeenS|orderId
  Returns one reply per join, in order:
    {seq, created 0|1, state letter}
    -1 no room, -2 sale not started, -3 sale ended, -4 sold out
    {-10, ms until the window ends} rate limited
]]
local rcall = redis.call
local room, tickets, users = KEYS[1], KEYS[2], KEYS[3]

-- Joins change none of these, so one read serves the whole batch.
local r = rcall("HMGET", room, "starts", "ends", "soldout")
local starts, ends, soldOut = tonumber(r[1]), tonumber(r[2]), r[3] == "1"

-- Fixed window, with the counter rate-limiter-flexible's Redis limiter keeps (an integer with the
-- window as its expiry): the first attempt opens the window, attempts past the points are refused
-- until it ends. Counts every attempt, whatever the join's answer (a repeat join, a sale not
-- started, no room). Returns the refusal, or nil.
local function limited(counter, points, windowMs)
  rcall("SET", counter, 0, "PX", windowMs, "NX")
  local used = rcall("INCR", counter)
  local ttl = rcall("PTTL", counter)
  if ttl == -1 then
    -- A counter left without an expiry would block the key for good.
    rcall("PEXPIRE", counter, windowMs)
    ttl = tonumber(windowMs)
  end
  if used > points then return {-10, ttl} end
  return nil
end

local function join(userId, now)
  if not starts then return -1 end
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
  if now < starts then return -2 end
  if ends > 0 and now >= ends then return -3 end
  if soldOut then return -4 end
  local seq = rcall("HINCRBY", room, "seq", 1)
  rcall("HSET", tickets, seq, string.format("W|0|%d|", math.floor(now / 1000)))
  rcall("HSET", users, userId, seq)
  return {seq, 1, "W"}
end

local out = {}
for i = 1, #ARGV, 5 do
  local points = tonumber(ARGV[i + 2])
  local refused = nil
  if points > 0 then refused = limited(KEYS[tonumber(ARGV[i + 4])], points, ARGV[i + 3]) end
  out[#out + 1] = refused or join(ARGV[i], tonumber(ARGV[i + 1]))
end
return out

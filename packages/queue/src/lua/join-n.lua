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

  Writes are made once per batch, not once per join (a counter's INCRBY, the room's HINCRBY, one
  HSET of the new tickets and one of their users): in the bench, Redis spent more time entering
  and leaving redis.call than in the commands, seven calls per join. Joins of the batch see the
  places made before them through `placed` (the script runs alone, so nothing else can look).
]]
local rcall = redis.call
local room, tickets, users = KEYS[1], KEYS[2], KEYS[3]

-- One read serves the whole batch: joins change none of these but seq, which is counted here.
local r = rcall("HMGET", room, "starts", "ends", "soldout", "seq")
local starts, ends, soldOut = tonumber(r[1]), tonumber(r[2]), r[3] == "1"
local seq = tonumber(r[4]) or 0

-- Fixed window, with the counter rate-limiter-flexible's Redis limiter keeps (an integer with the
-- window as its expiry): the first attempt opens the window, attempts past the points are refused
-- until it ends. Counts every attempt, whatever the join's answer (a repeat join, a sale not
-- started, no room). A counter is opened and counted once for all its attempts in the batch:
-- attempt k of n then sees the count (before + k) that k INCRs would have returned.
local attempts = {}
for i = 1, #ARGV, 5 do
  if tonumber(ARGV[i + 2]) > 0 then
    local at = tonumber(ARGV[i + 4])
    attempts[at] = (attempts[at] or 0) + 1
  end
end
local counters = {}
local function limited(at, points, windowMs)
  local c = counters[at]
  if not c then
    local key, n = KEYS[at], attempts[at]
    rcall("SET", key, 0, "PX", windowMs, "NX")
    local total = rcall("INCRBY", key, n)
    local ttl = rcall("PTTL", key)
    if ttl == -1 then
      -- A counter left without an expiry would block the key for good.
      rcall("PEXPIRE", key, windowMs)
      ttl = tonumber(windowMs)
    end
    c = { used = total - n, ttl = ttl }
    counters[at] = c
  end
  c.used = c.used + 1
  if c.used > points then return {-10, c.ttl} end
  return nil
end

local placed = {}      -- userId -> seq, for the places this batch made
local newTickets = {}  -- seq, record, seq, record, ... for one HSET
local newUsers = {}    -- userId, seq, ... for one HSET

local function join(userId, now)
  if not starts then return -1 end
  local mine = placed[userId]
  if mine then return {mine, 0, "W"} end
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
  seq = seq + 1
  placed[userId] = seq
  newTickets[#newTickets + 1] = seq
  newTickets[#newTickets + 1] = "W|0|" .. math.floor(now / 1000) .. "|"
  newUsers[#newUsers + 1] = userId
  newUsers[#newUsers + 1] = seq
  return {seq, 1, "W"}
end

local out = {}
for i = 1, #ARGV, 5 do
  local points = tonumber(ARGV[i + 2])
  local refused = nil
  if points > 0 then refused = limited(tonumber(ARGV[i + 4]), points, ARGV[i + 3]) end
  out[#out + 1] = refused or join(ARGV[i], tonumber(ARGV[i + 1]))
end

if #newUsers > 0 then
  rcall("HSET", room, "seq", seq)
  rcall("HSET", tickets, unpack(newTickets))
  rcall("HSET", users, unpack(newUsers))
end
return out

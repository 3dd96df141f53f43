--[[
  Undo a join whose Kafka append failed, so the user can retry and gets a fresh place.
  KEYS[1] room hash (unused, keeps the room's slot)   KEYS[2] tickets hash   KEYS[3] users hash
  ARGV[1] seq   ARGV[2] userId
  Returns 1 when removed, 0 when the ticket had already moved on (nothing to undo).
]]
local rcall = redis.call
local tickets, users = KEYS[2], KEYS[3]
local rec = rcall("HGET", tickets, ARGV[1])
if not rec or string.sub(rec, 1, 1) ~= "W" then return 0 end
rcall("HDEL", tickets, ARGV[1])
if rcall("HGET", users, ARGV[2]) == ARGV[1] then rcall("HDEL", users, ARGV[2]) end
return 1

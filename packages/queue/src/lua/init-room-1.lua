--[[
  Create a room from its product row, or refresh its settings (never its counters).
  KEYS[1] room hash
  ARGV[1] reservable (stock not held)   ARGV[2] sold   ARGV[3] capacity   ARGV[4] ttl ms
  ARGV[5] sale starts ms   ARGV[6] sale ends ms (0 = none)   ARGV[7] paused 0|1
  Returns 1 when created, 0 when only settings were refreshed.
]]
local rcall = redis.call
local room = KEYS[1]
if rcall("EXISTS", room) == 1 then
  rcall("HSET", room, "capacity", ARGV[3], "ttl", ARGV[4], "starts", ARGV[5], "ends", ARGV[6], "paused", ARGV[7])
  rcall("HINCRBY", room, "version", 1)
  return 0
end
local reservable = tonumber(ARGV[1])
rcall("HSET", room, "seq", 0, "serving", 0, "admitted", 0, "reservable", reservable, "sold", ARGV[2],
  "capacity", ARGV[3], "ttl", ARGV[4], "starts", ARGV[5], "ends", ARGV[6], "paused", ARGV[7],
  "soldout", reservable <= 0 and 1 or 0, "admittedTotal", 0, "version", 1)
return 1

--[[
  An operator changed a product's stock: move the reservable pool by the same amount.
  KEYS[1] room hash
  ARGV[1] delta (may be negative)
  Returns the new reservable count; -1 when the room does not exist.
]]
local rcall = redis.call
local room = KEYS[1]
if rcall("EXISTS", room) == 0 then return -1 end
local reservable = rcall("HINCRBY", room, "reservable", tonumber(ARGV[1]))
local admitted = tonumber(rcall("HGET", room, "admitted"))
rcall("HSET", room, "soldout", (reservable <= 0 and admitted <= 0) and 1 or 0)
rcall("HINCRBY", room, "version", 1)
return reservable

--[[
  Marks waiting tickets as still watched (batched per room by each API process).
  KEYS[1] tickets hash
  ARGV[1] now s   ARGV[2..] seqs
  Returns how many waiting tickets were refreshed.
]]
local rcall = redis.call
local tickets = KEYS[1]
local n = 0
for i = 2, #ARGV do
  local rec = rcall("HGET", tickets, ARGV[i])
  if rec and string.sub(rec, 1, 1) == "W" then
    rcall("HSET", tickets, ARGV[i], "W|0|" .. ARGV[1] .. "|")
    n = n + 1
  end
end
return n

-- wrk script for bench/cluster.sh and bench/soak.sh: sends the requests of a file, one per
-- line, round robin, and counts the answers by status. A line is tab-separated:
--   METHOD <tab> PATH <tab> BODY (may be empty) [<tab> Name: value]...
-- The requests are formatted once, in init (formatting each anew costs wrk CPU that the server
-- it shares the machine with then lacks; see bench/api_tokens.lua).
-- BENCH_DELAY_MS=N: each connection waits N ms after an answer before its next request, which
-- holds a kind of request to about connections * 1000 / N per second (a trickle of sign-ins,
-- a soak's steady rate). wrk's latencies do not include the wait.
-- done() prints one line per status seen, "status 200 12345", after wrk's own report.
local requests = {}
local next_request = 1
statuses = {}  -- global: done() reads it from each thread

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    local fields = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
    local headers = {}
    for i = 4, #fields do
      local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
      if not name then error("not a header field: " .. fields[i]) end
      headers[name] = value
    end
    local body = fields[3] ~= "" and fields[3] or nil
    requests[#requests + 1] = wrk.format(fields[1], fields[2], headers, body)
  end
  if #requests == 0 then error("no requests in " .. args[1]) end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pace and pace > 0 then
  function delay() return pace end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local seen = {}
  for status in pairs(total) do seen[#seen + 1] = status end
  table.sort(seen)
  for _, status in ipairs(seen) do io.write(string.format("status %d %d\n", status, total[status])) end
end

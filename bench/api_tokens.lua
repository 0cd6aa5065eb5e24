-- wrk script for bench/api.sh: each request carries the bearer token of the next of the
-- signed-in machines (tokens.txt, one per line), round robin, so the server's lookups spread
-- over all of them as a fleet of programs would. BENCH_METHOD is GET (license) or POST
-- (heartbeat). The requests are formatted once, in init: formatting each one anew (and
-- reading the environment) cost wrk half again as much CPU per request as /healthz's run,
-- CPU the server it shares the machine with then lacked.
local requests = {}
local next_request = 1

function init(args)
  local method = os.getenv("BENCH_METHOD") or "GET"
  for token in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format(method, nil, { ["Authorization"] = "Bearer " .. token })
  end
  if #requests == 0 then error("no tokens in " .. args[1]) end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

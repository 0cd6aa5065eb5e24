-- wrk script for bench/api.sh: each request carries the bearer token of the next of the
-- signed-in machines (tokens.txt, one per line), round robin, so the server's lookups spread
-- over all of them as a fleet of programs would. BENCH_METHOD is GET (license) or POST
-- (heartbeat).
local tokens = {}
local next_token = 1

function init(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
  if #tokens == 0 then error("no tokens in " .. args[1]) end
end

function request()
  local token = tokens[next_token]
  next_token = next_token % #tokens + 1
  return wrk.format(os.getenv("BENCH_METHOD") or "GET", nil,
                    { ["Authorization"] = "Bearer " .. token })
end

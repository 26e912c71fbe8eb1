-- Replays prepared requests, one per line: METHOD<TAB>PATH<TAB>BODY.
-- Arguments (after --): requests file, first index, thread count, bearer token.
-- Threads take interleaved indexes, so every request of a run is distinct
-- until the file is exhausted. done() prints one JSON line for bench/run.

local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local prepared = {}
local index = 0
local step = 1

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]*)\t?(.*)$")
    local headers = {Authorization = "Bearer " .. args[4]}
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    prepared[#prepared + 1] = wrk.format(method, path, headers, body)
  end
  index = tonumber(args[2]) + thread_id
  step = tonumber(args[3])
end

function request()
  local prepared_request = prepared[(index % #prepared) + 1]
  index = index + step
  return prepared_request
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end

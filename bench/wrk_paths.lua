-- wrk script for bench/load.py: GET each path of a file in turn, with an
-- optional Cookie header, and print one machine-readable summary line.
--
--   wrk -t2 -c32 -d10s --timeout 30s -s bench/wrk_paths.lua http://127.0.0.1:PORT -- PATHS_FILE [COOKIE] [STATUS]
--
-- PATHS_FILE: one path per line ("/events/12", "/staff/...?q=..."), already URL-encoded.
-- COOKIE: the Cookie header value ("session=..."), or "-" for none.
-- STATUS: the status every answer must have (default 200); others are counted as "unexpected".

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  table.insert(threads, thread)
end

paths = {}
cookie = nil
expected = 200
unexpected = 0
position = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if args[2] and args[2] ~= "-" and #args[2] > 0 then
    cookie = args[2]
  end
  if args[3] then
    expected = tonumber(args[3])
  end
  -- Each thread starts at its own place in the list.
  position = ((thread_index or 1) - 1) * math.floor(#paths / 2)
end

function request()
  position = position % #paths + 1
  local headers = {}
  if cookie then
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", paths[position], headers)
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("unexpected") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d, "unexpected_status": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, errors.connect, errors.read, errors.write, errors.status, errors.timeout, bad))
end

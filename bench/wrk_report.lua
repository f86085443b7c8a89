-- wrk script: optional POST body from the environment, and a one-line JSON summary.
-- Environment: METHOD (GET|POST), BODY (JSON), TOKEN (bearer token, optional).
-- A BODY containing the token {{KEY}} gets it replaced on every request by a key unique to
-- the run: KEY_PREFIX (or a random one), the wrk thread's number and a per-thread counter,
-- e.g. "bench-7f3a9c-2-1234" (idempotency keys that must never repeat).
wrk.method = os.getenv("METHOD") or "GET"
local body = os.getenv("BODY")
if body and #body > 0 then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local token = os.getenv("TOKEN")
if token and #token > 0 then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local key_at = body and body:find("{{KEY}}", 1, true)
if key_at then
  math.randomseed(os.time())
  local prefix = os.getenv("KEY_PREFIX")
  if not prefix or #prefix == 0 then
    prefix = string.format("bench-%06x%06x", math.random(0, 0xffffff), math.random(0, 0xffffff))
  end
  local threads = 0
  setup = function(thread)
    threads = threads + 1
    thread:set("thread_no", threads)
    thread:set("key_prefix", prefix)
  end
  local before, after = body:sub(1, key_at - 1), body:sub(key_at + #"{{KEY}}")
  local counter = 0
  request = function()
    counter = counter + 1
    local key = key_prefix .. "-" .. tostring(thread_no) .. "-" .. tostring(counter)
    return wrk.format(nil, nil, nil, before .. key .. after)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"rps":%.1f,"non_2xx":%d,' ..
    '"socket_errors":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

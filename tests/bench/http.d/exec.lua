-- tests/bench/http.d/exec.lua - the wrk script of tests/bench/http.
--
-- wrk -s exec.lua URL -- MODE PATH KEY PREFIX IDS QUOTA
--   MODE    "existing": identifiers PREFIX-0 .. PREFIX-(IDS-1), sessions that exist
--           already; thread t of T uses those with index = t (mod T), in turn, so
--           that two of its connections rarely ask the same session at once.
--           "new": a fresh identifier per request, PREFIX-<thread>-<n>: every request
--           makes a session.
--           "peer": the same request to the peer (no identifier, no key).
--   PATH    the path and query without the identifier
--   KEY     the API key ("-" for none)
--   QUOTA   when > 0, each thread stops after this many responses (a burst; use as
--           many threads as connections, so that no request beyond the quota is sent)
-- Each response is checked: a 2xx must carry status Success and result 2. done()
-- prints one line, "BENCH key=value ...", that tests/bench/http reads.

local ffi = require("ffi")
ffi.cdef [[
struct stockade_bench_ts { long sec; long nsec; };
int clock_gettime(int clk, struct stockade_bench_ts *ts);
]]
local ts = ffi.new("struct stockade_bench_ts")
local function now()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.sec) + tonumber(ts.nsec) * 1e-9
end

local body = '{"properties":{"codeInputType":"inline","executionType":"synchronous",' ..
             '"code":"1+1"}}'

-- main state: the threads, in order
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

-- thread state
mode, path, prefix, ids, quota = "peer", "/", "x", 1, 0
headers = { ["Content-Type"] = "application/json" }
n = 0          -- requests made (the first call is wrk's check of request(), not sent)
done_n = 0     -- responses
ok, bad, s429, s503, s4xx, s5xx, other = 0, 0, 0, 0, 0, 0, 0
first, last = 0, 0
mine = {}      -- existing: this thread's identifiers
local fixed = nil

function init(args)
  mode, path, prefix = args[1], args[2], args[4]
  if mode == "existing-unchecked" then
    -- wrk hands every response to Lua while response() exists, which costs the
    -- load generator more CPU than nginx spends on it: this mode counts statuses
    -- only (wrk's own summary), to measure the service rather than the checker
    mode = "existing"
    unchecked = true
    response = nil
  end
  if args[3] and args[3] ~= "-" then
    headers["Authorization"] = "Bearer " .. args[3]
  end
  ids = tonumber(args[5]) or 1
  quota = tonumber(args[6]) or 0
  tid = tid or 0
  nthreads = tonumber(args[7]) or 1
  if mode == "existing" then
    for i = tid, ids - 1, nthreads do
      mine[#mine + 1] = prefix .. "-" .. i
    end
  elseif mode == "peer" then
    fixed = wrk.format("POST", path, headers, body)
  end
end

function request()
  n = n + 1
  if first == 0 and (tid ~= 0 or n > 1) then
    first = now()
  end
  if fixed then
    return fixed
  end
  local id
  if mode == "existing" then
    id = mine[(n % #mine) + 1]
  else
    id = prefix .. "-" .. tid .. "-" .. n
  end
  return wrk.format("POST", path .. "&identifier=" .. id, headers, body)
end

function response(status, hdrs, resp)
  done_n = done_n + 1
  last = now()
  if status >= 200 and status < 300 then
    if resp:find('"status":%s*"Success"') and resp:find('"result":%s*2[^%d]') then
      ok = ok + 1
    else
      bad = bad + 1
      if bad <= 3 then io.stderr:write("bench: a 2xx without result 2: " .. resp:sub(1, 300) .. "\n") end
    end
  elseif status == 429 then s429 = s429 + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status >= 400 and status < 500 then s4xx = s4xx + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else other = other + 1
  end
  if status >= 300 and (s429 + s503 + s4xx + s5xx + other) <= 3 then
    io.stderr:write("bench: HTTP " .. status .. ": " .. resp:sub(1, 300) .. "\n")
  end
  if quota > 0 and done_n >= quota then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local t = { ok = 0, bad = 0, s429 = 0, s503 = 0, s4xx = 0, s5xx = 0, other = 0 }
  local first_all, last_all = nil, 0
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + (th:get(k) or 0)
    end
    local f, l = th:get("first") or 0, th:get("last") or 0
    if f > 0 and (not first_all or f < first_all) then first_all = f end
    if l > last_all then last_all = l end
  end
  local e = summary.errors
  local out = {
    "requests=" .. summary.requests,
    "duration_us=" .. summary.duration,
    "span_s=" .. string.format("%.6f", (first_all and last_all > first_all) and (last_all - first_all) or 0),
    "p50_us=" .. latency:percentile(50),
    "p90_us=" .. latency:percentile(90),
    "p99_us=" .. latency:percentile(99),
    "max_us=" .. latency.max,
    "mean_us=" .. string.format("%.1f", latency.mean),
    "connect=" .. e.connect, "read=" .. e.read, "write=" .. e.write,
    "timeout=" .. e.timeout, "status=" .. e.status,
  }
  for k, v in pairs(t) do
    out[#out + 1] = k .. "=" .. v
  end
  io.write("BENCH " .. table.concat(out, " ") .. "\n")
end

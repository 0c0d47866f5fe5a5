-- wrk script for bench/compare.py: rotate over a list of URL paths, then print the results as one JSON line.
--
--   wrk -t2 -c32 -d10s --latency -s bench/rotate.lua http://127.0.0.1:PORT -- paths.txt 2 [count-cache-misses]
--
-- paths.txt holds one path (with its query string, already URL-encoded) per line; 2 is wrk's thread count (-t).
-- wrk's Lua has no hook per connection, only per thread, so each thread walks the list from its own starting
-- point: every request a thread sends is for the next path in the list, so a connection's next request is for
-- a different path unless exactly a multiple of the list's length went out between them on the same thread.
-- With count-cache-misses, responses without `X-Cache: HIT` are counted (plan-api's response cache); reading
-- the headers of every response costs wrk some CPU, so it is off otherwise.

local requests = {}
local position = 0
local threads = {}
misses = 0

local function read_paths(file_name)
   local found = {}
   for line in io.lines(file_name) do
      if line ~= "" then
         table.insert(found, line)
      end
   end
   return found
end

-- Runs in the main Lua state for each thread before the threads start.
function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

-- Runs in each thread's own Lua state.
function init(args)
   local paths = read_paths(args[1])
   if #paths == 0 then
      error("no paths in " .. tostring(args[1]))
   end
   for i, path in ipairs(paths) do
      requests[i] = wrk.format("GET", path)
   end
   local spread = math.max(math.floor(#paths / (tonumber(args[2]) or 1)), 1)
   position = (thread_index * spread) % #paths
   if args[3] ~= "count-cache-misses" then
      response = nil
   end
end

function request()
   position = position % #requests + 1
   return requests[position]
end

function response(status, headers, body)
   if headers["X-Cache"] ~= "HIT" then
      misses = misses + 1
   end
end

-- Runs in the main Lua state after every thread has stopped. Times are in microseconds.
function done(summary, latency, requests)
   local cache_misses = 0
   for _, thread in ipairs(threads) do
      cache_misses = cache_misses + thread:get("misses")
   end
   local errors = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, '
         .. '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
         .. '"cache_misses": %d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
      errors.status, errors.connect, errors.read, errors.write, errors.timeout, cache_misses))
end

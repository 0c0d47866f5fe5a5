-- wrk script for bench/response_cache.py: every request is one of the paths in a file with a new, unrecognised
-- query parameter (?utm_source=N), as a client that busts caches would send; prints the results as one JSON line.
--
--   wrk -t2 -c64 -d45s -s bench/throwaway.lua http://127.0.0.1:PORT -- paths.txt

local paths = {}
local counter = 0
local threads = 0

-- Runs in the main Lua state for each thread: a number of its own, so that no two threads send the same N.
function setup(thread)
   threads = threads + 1
   thread:set("id", threads)
end

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
end

function request()
   counter = counter + 1
   local path = paths[counter % #paths + 1]
   local separator = path:find("?", 1, true) and "&" or "?"
   return wrk.format("GET", path .. separator .. "utm_source=" .. id .. "-" .. counter)
end

function done(summary, latency, requests)
   io.write(string.format(
      '{"requests": %d, "seconds": %.3f, "errors": %d, "non_2xx": %d, "p50_ms": %.2f}\n',
      summary.requests, summary.duration / 1e6,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.errors.status, latency:percentile(50) / 1000
   ))
end

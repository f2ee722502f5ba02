-- bench/writes.lua — wrk script for bench/writes: every request creates a new area.
--   wrk … -s bench/writes.lua -H "Authorization: Bearer TOKEN" URL -- RUNID
-- Codes are B<RUNID>-<thread>-<n>: unique across threads, connections and runs (RUNID).
-- Counts per thread what was sent and what came back; done() prints the totals in one line:
--   writes: sent=N created=N other=N
-- created counts 201 responses; sent - created - other requests were still unanswered when wrk stopped.

local threads = {}
local nthreads = 0

function setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

function init(args)
   runid = args[1] or "0"
   n, sent, created, other = 0, 0, 0, 0
   -- wrk.format replaces wrk.headers (which holds -H) when given headers: merge them here.
   headers = { ["Content-Type"] = "application/json" }
   for k, v in pairs(wrk.headers) do headers[k] = v end
end

function request()
   n = n + 1
   sent = sent + 1
   local body = string.format(
      '{"code":"B%s-%d-%d","name":"压测","kind":"unit","parent":"HKG-BQ-ZQ-S1"}', runid, tid, n)
   return wrk.format("POST", "/api/v1/areas", headers, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
      if other <= 3 then
         io.stderr:write(string.format("writes.lua: HTTP %d %s\n", status, body))
      end
   end
end

function done(summary, latency, requests)
   local s, c, o = 0, 0, 0
   for _, t in ipairs(threads) do
      s = s + t:get("sent")
      c = c + t:get("created")
      o = o + t:get("other")
   end
   io.write(string.format("writes: sent=%d created=%d other=%d\n", s, c, o))
end

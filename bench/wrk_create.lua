-- bench/wrk_create.lua — what the wrk scripts of write benchmarks share (bench/writes.lua,
-- bench/workorders.lua): each thread's id, the run id (first argument after --), the JSON headers,
-- and counts per thread of requests sent, 201s and other answers; done() prints the totals in one line
--   LABEL: sent=N created=N other=N
-- (created counts 201s; sent - created - other were still unanswered when wrk stopped).
-- The including script sets `label`, defines request() and may define on_init(args).

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
   if on_init then on_init(args) end
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
      if other <= 3 then
         io.stderr:write(string.format("%s.lua: HTTP %d %s\n", label, status, body))
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
   io.write(string.format("%s: sent=%d created=%d other=%d\n", label, s, c, o))
end

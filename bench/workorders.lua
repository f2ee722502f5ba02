-- bench/workorders.lua — wrk script for bench/workorders: every request pushes a new work order
-- (partner token), routed by address to the demo's 港城公寓 workstation.
--   wrk … -s bench/workorders.lua -H "Authorization: Bearer fxp_…" URL -- RUNID DEADLINE
-- External ids are WO<RUNID>-<thread>-<n>. done() prints: orders: sent=N created=N other=N

local threads = {}
local nthreads = 0

function setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

function init(args)
   runid = args[1] or "0"
   deadline = args[2] or "4000000000"
   n, sent, created, other = 0, 0, 0, 0
   headers = { ["Content-Type"] = "application/json" }
   for k, v in pairs(wrk.headers) do headers[k] = v end
end

function request()
   n = n + 1
   sent = sent + 1
   local body = string.format(
      '{"external_id":"WO%s-%d-%d","kind":"核查","title":"核查返郑人员","subject":{"name":"压测","address":"港城公寓1号楼"},"deadline":%s,"body":"请于今日核查并反馈"}',
      runid, tid, n, deadline)
   return wrk.format("POST", "/api/v1/work-orders", headers, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
      if other <= 3 then
         io.stderr:write(string.format("workorders.lua: HTTP %d %s\n", status, body))
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
   io.write(string.format("orders: sent=%d created=%d other=%d\n", s, c, o))
end

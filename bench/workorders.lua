-- bench/workorders.lua — wrk script for bench/workorders: every request pushes a new work order
-- (partner token), routed by address to the demo's 港城公寓 workstation.
--   wrk … -s bench/workorders.lua -H "Authorization: Bearer fxp_…" URL -- RUNID DEADLINE
-- External ids are WO<RUNID>-<thread>-<n>. done() prints: orders: sent=N created=N other=N (bench/wrk_create.lua)

label = "orders"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_create.lua")

function on_init(args)
   deadline = args[2] or "4000000000"
end

function request()
   n = n + 1
   sent = sent + 1
   local body = string.format(
      '{"external_id":"WO%s-%d-%d","kind":"核查","title":"核查返郑人员","subject":{"name":"压测","address":"港城公寓1号楼"},"deadline":%s,"body":"请于今日核查并反馈"}',
      runid, tid, n, deadline)
   return wrk.format("POST", "/api/v1/work-orders", headers, body)
end

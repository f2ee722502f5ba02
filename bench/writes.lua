-- bench/writes.lua — wrk script for bench/writes: every request creates a new area.
--   wrk … -s bench/writes.lua -H "Authorization: Bearer TOKEN" URL -- RUNID
-- Codes are B<RUNID>-<thread>-<n>: unique across threads, connections and runs (RUNID).
-- done() prints: writes: sent=N created=N other=N (bench/wrk_create.lua)

label = "writes"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_create.lua")

function request()
   n = n + 1
   sent = sent + 1
   local body = string.format(
      '{"code":"B%s-%d-%d","name":"压测","kind":"unit","parent":"HKG-BQ-ZQ-S1"}', runid, tid, n)
   return wrk.format("POST", "/api/v1/areas", headers, body)
end

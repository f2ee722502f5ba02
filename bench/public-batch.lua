-- bench/public-batch.lua — wrk script for bench/public: staff traffic, each request a sampling
-- batch as a table sends it: a new tube, 5 people, the seal (7 events, client ids unique
-- across threads and runs). People repeat across tubes (kept with an already_sampled warning).
--   wrk … -s bench/public-batch.lua -H "Authorization: Bearer TOKEN" URL -- RUNID ROUND SITE ID1,ID2,…
local threads = {}
local nthreads = 0

function setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

function init(args)
   runid, round, site = args[1], args[2], args[3]
   ids = {}
   for id in string.gmatch(args[4], "[^,]+") do table.insert(ids, id) end
   n, other = 0, 0
   headers = { ["Content-Type"] = "application/json" }
   for k, v in pairs(wrk.headers) do headers[k] = v end
end

function request()
   n = n + 1
   local tube = string.format("W%s-%d-%d", runid, tid, n)
   local at = os.time() - 60
   local ev = { string.format('{"id":"%s-o","type":"tube_open","round":%s,"site":%s,"tube":"%s","pool_size":5,"at":%d}',
                              tube, round, site, tube, at) }
   for i = 1, 5 do
      local id = ids[((n * 5 + i) % #ids) + 1]
      table.insert(ev, string.format('{"id":"%s-s%d","type":"sample","tube":"%s","person":{"id_number":"%s"},"at":%d}',
                                     tube, i, tube, id, at + i))
   end
   table.insert(ev, string.format('{"id":"%s-c","type":"tube_seal","tube":"%s","at":%d}', tube, tube, at + 10))
   return wrk.format("POST", "/api/v1/sampling/batch", headers, '{"events":[' .. table.concat(ev, ",") .. ']}')
end

function response(status, headers, body)
   if status ~= 200 then
      other = other + 1
      if other <= 3 then io.stderr:write(string.format("public-batch.lua: HTTP %d %s\n", status, body)) end
   end
end

-- bench/public-lookup.lua — wrk script for bench/public: every request is a result lookup
-- (POST /api/v1/public/results/lookup) of one person who has a result.
--   wrk … -s bench/public-lookup.lua URL -- ID_NUMBER NAME
function init(args)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.body = string.format('{"id_number":"%s","name":"%s"}', args[1], args[2])
end

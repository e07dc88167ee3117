-- wrk script: POST /api/v1/purchases/ against `serve` (no merchantRef: the id stands in,
-- so every purchase is new). Each thread stops after PER_THREAD answers, so a run creates
-- a known number of purchases:
--   PER_THREAD=100000 wrk -t2 -c32 -d600s --latency -s benches/wrk/create_purchase.lua http://127.0.0.1:18089
local per_thread = tonumber(os.getenv("PER_THREAD") or "100000")
local answered = 0

wrk.method = "POST"
wrk.path = "/api/v1/purchases/"
wrk.headers["Authorization"] = "Bearer sk_test_sandbox_paysecure_explorer"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"client":{"email":"buyer@example.com","street_address":"1 Test St","city":"Berlin","zip_code":"10115","country":"DE","stateCode":"BE"},"purchase":{"currency":"EUR","products":[{"name":"Order 1001","price":20.0}]},"brand_id":"brd_sandbox_explorer","success_redirect":"http://127.0.0.1:18089/merchant/return/success","failure_redirect":"http://127.0.0.1:18089/merchant/return/failure"}]]

response = function(status, headers, body)
  answered = answered + 1
  if status ~= 202 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
  if answered >= per_thread then
    wrk.thread:stop()
  end
end

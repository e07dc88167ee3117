-- wrk script: GET /api/v1/purchases/{ID}/ (the status GET) against `serve`:
--   ID=<purchase id> wrk -t2 -c32 -d20s --latency -s benches/wrk/status_get.lua http://127.0.0.1:18089
wrk.method = "GET"
wrk.path = "/api/v1/purchases/" .. (os.getenv("ID") or "missing") .. "/"
wrk.headers["Authorization"] = "Bearer sk_test_sandbox_paysecure_explorer"

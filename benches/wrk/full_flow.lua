-- wrk script: full flows against `serve`: create → S2S (2D card) → GET callback (302).
-- Each answer queues the flow's next step in its thread; a connection takes a queued
-- step if there is one, else starts a new flow. Bodies come from the environment (the
-- `speed_flows` bench builds them): CREATE_BODY, S2S_BODY; KEY is the API key.
-- A flow is done when its callback answers 302; `done` prints "flows N errors E".
local create_body = os.getenv("CREATE_BODY")
local s2s_body = os.getenv("S2S_BODY")
local key = os.getenv("KEY") or "sk_test_sandbox_paysecure_explorer"
local headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
local get_headers = {}
local queue, head, tail = {}, 1, 0
local create_req = nil
flows, errors = 0, 0

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  create_req = wrk.format("POST", "/api/v1/purchases/", headers, create_body)
end

local function push(req)
  tail = tail + 1
  queue[tail] = req
end

function request()
  if head <= tail then
    local req = queue[head]
    queue[head] = nil
    head = head + 1
    return req
  end
  return create_req
end

function response(status, hdrs, body)
  if status == 302 then
    flows = flows + 1
    return
  end
  if status ~= 202 then
    errors = errors + 1
    return
  end
  local callback = string.match(body, '"callback_url":"https?://[^/"]+(/[^"]*)"')
  if callback then
    push(wrk.format("GET", callback, get_headers))
    return
  end
  local id = string.match(body, '"purchaseId":"(%w+)"')
  if id then
    push(wrk.format("POST", "/api/v1/p/" .. id .. "/?s2s=true", headers, s2s_body))
  else
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local f, e = 0, 0
  for _, t in ipairs(threads) do
    f = f + t:get("flows")
    e = e + t:get("errors")
  end
  io.write(string.format("flows %d errors %d\n", f, e))
end

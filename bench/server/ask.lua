-- wrk script: POST questions to the hub's ask endpoint with the session cookie and CSRF token.
-- Environment: CLEVER_COOKIE, CLEVER_CSRF, CLEVER_CONV.
local questions = {
  "What were my net sales last month?",
  "How many orders did I get this year?",
  "Top 5 products last month",
  "What is my average order value this month?",
  "How much did I refund last month?",
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("CLEVER_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("CLEVER_CSRF")
wrk.path = "/api/conversations/" .. os.getenv("CLEVER_CONV") .. "/messages"
request = function()
  i = i + 1
  local q = questions[(i % #questions) + 1]
  return wrk.format(nil, nil, nil, '{"question": "' .. q .. '"}')
end
local non2xx = 0
response = function(status, headers, body)
  if status ~= 200 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.1f p99_ms=%.1f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end

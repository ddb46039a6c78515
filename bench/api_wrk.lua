-- wrk script for bench/api_wrk.py: each request one radar plot of one of 500 boats spread over
-- the Strait, timed at the current second (as a radar would), with a unique report id; the
-- token comes from the TOKEN variable.
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
request = function()
  n = n + 1
  local t = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local boat = n % 500
  local lat = 50.80 + (boat % 25) * 0.02 + (n % 7) * 0.00005
  local lon = 1.20 + math.floor(boat / 25) * 0.04 + (n % 5) * 0.00005
  local body = string.format(
    '{"kind":"contact","time":"%s","lat":%.6f,"lon":%.6f,"sensor":"radar",' ..
    '"sensor_id":"radar-%d","sigma_m":50,"report_id":"W-%d-%d"}',
    t, lat, lon, boat % 4, math.random(1, 1000000000), n)
  return wrk.format(nil, "/api/contacts", nil, body)
end

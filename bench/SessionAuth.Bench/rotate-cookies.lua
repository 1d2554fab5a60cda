-- wrk script of SessionAuth.Bench: every request carries the next signed-in session's Cookie
-- header from the file named after "--" (one header value a line; the second argument, when given,
-- names another header: Authorization for the token API's bearer tokens), and the run ends with one
-- machine-readable line that the bench parses.
local cookies = {}
local index = 0
local header = "Cookie"

function init(args)
  if args[2] ~= nil and #args[2] > 0 then
    header = args[2]
  end
  for line in io.lines(args[1]) do
    if #line > 0 then
      cookies[#cookies + 1] = line
    end
  end
  if #cookies == 0 then
    error("no cookies in " .. tostring(args[1]))
  end
  index = math.random(#cookies)
end

function request()
  index = index % #cookies + 1
  return wrk.format(nil, nil, { [header] = cookies[index] })
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end

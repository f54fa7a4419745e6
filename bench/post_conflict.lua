-- POSTs one new meeting as JSON to /api/v1/events/ at a time when the organiser and the three
-- attendees are busy already, without confirm_conflicts: the expected answer is 409 (the
-- conflicts listed), so 409 counts as success here and anything else as an error (its
-- first body printed once). Authorisation comes as an `Authorization: Token …` header.
-- Arguments (after `--`): <JSON body>
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local body, shown = nil, false
unexpected, conflicts = 0, 0

function init(args)
  body = args[1]
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function response(status, headers, text)
  if status == 409 then
    conflicts = conflicts + 1
    return
  end
  unexpected = unexpected + 1
  if not shown then
    shown = true
    io.stderr:write(string.format("conflict check answered %d (expected 409): %s\n", status,
                                  (text or ""):sub(1, 3000)))
  end
end

-- As report.lua, but the errors are socket errors and answers other than 409.
done = function(summary, latency, requests)
  local e = summary.errors
  local bad, expected = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("unexpected") or 0)
    expected = expected + (thread:get("conflicts") or 0)
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"errors": %d, "expected_409": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout + bad, expected))
end

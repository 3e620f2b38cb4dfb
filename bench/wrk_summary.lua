-- Prints wrk's summary as one JSON line for bench/loadgen.py (wrk's own text is for humans).
-- errors.status counts responses with a status above 399.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_SUMMARY {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,'
      .. '"readErrors":%d,"writeErrors":%d,"timeouts":%d,"httpErrors":%d,'
      .. '"latencyP50Us":%d,"latencyP99Us":%d,"latencyMaxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect,
    errors.read, errors.write, errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end

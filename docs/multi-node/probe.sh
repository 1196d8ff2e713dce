#!/usr/bin/env bash
# probe.sh URL SECONDS [RATE]: a bounded, constant, low load (one curl at a time, RATE requests
# per second at most, default 20) for SECONDS; one line per request: "<ms since start> <HTTP code>
# <seconds taken>" (code 000: no answer within PROBE_TIMEOUT seconds, default 1), then a summary
# line: requests, failed, the longest time between two successful answers, and when the failures
# began and ended.
# The summary line ("SUMMARY requests=... failed=... max_gap_between_ok_ms=...", "PROBE "-prefixed
# in a drill's raw file) is a contract: report.sh and NodeLossSystemIT parse it. Add fields at
# its end only.
set -euo pipefail
(($# >= 2)) || { echo "usage: $0 URL SECONDS [RATE]" >&2; exit 2; }
url=$1 seconds=$2 rate=${3:-20}
[[ $seconds =~ ^[0-9]+$ && $rate =~ ^[0-9]+$ ]] && ((seconds <= 600 && rate >= 1 && rate <= 100)) \
  || { echo "SECONDS must be <= 600, RATE 1..100" >&2; exit 2; }
pause=$(awk -v r="$rate" 'BEGIN {printf "%.3f", 1 / r}')
start=$(date +%s%N) end=$((start + seconds * 1000000000))
echo "# start $((start / 1000000)) (epoch ms) $url ${seconds}s at <= ${rate}/s, client timeout ${PROBE_TIMEOUT:-1}s"
while (( $(date +%s%N) < end )); do
  t=$(( ($(date +%s%N) - start) / 1000000 ))
  out=$(curl -s -o /dev/null -m "${PROBE_TIMEOUT:-1}" -w '%{http_code} %{time_total}' "$url" || true)
  echo "$t ${out:-000 ${PROBE_TIMEOUT:-1}}"
  sleep "$pause"
done | awk '{print} /^#/ {next} $2 == 200 {if (last != "" && $1 - last > gap) {gap = $1 - last; gap_at = last} last = $1}
  !/^#/ && $2 != 200 {fail++; if (first == "") first = $1; lastf = $1} !/^#/ {n++}
  END {printf "SUMMARY requests=%d failed=%d max_gap_between_ok_ms=%d (after t=%d ms) failures_from_ms=%s to_ms=%s\n",
       n, fail, gap, gap_at, first == "" ? "-" : first, lastf == "" ? "-" : lastf}'

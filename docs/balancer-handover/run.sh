#!/usr/bin/env bash
# Exploratory (issue 12.4 on one node, not part of the stack): can HAProxy be replaced (a new
# container, as for an image upgrade) with nothing failing, when its listening socket is held by a
# socket keeper (keeper.py) that every HAProxy takes it from (`haproxy -x`)? Under a constant load
# to 127.0.0.1:18080 (4 clients, a new connection per request, 10 s timeout): a second HAProxy
# container starts next to the first (start-first), the first soft-stops (SIGUSR1), then the second
# too, leaving NO HAProxy for 4 s, then a third starts and reloads twice (SIGUSR2). Writes
# results-RUNID.txt next to this file. Needs: a Docker engine with local/haproxy:3.0 (deploy/up.sh
# builds it), python3, curl.
set -euo pipefail
usage() { echo "usage: $0   (no arguments)"; }
(($# == 0)) || { usage >&2; echo "ERROR: no arguments expected, got: $*" >&2; exit 2; }
for tool in docker python3 curl; do command -v "$tool" >/dev/null || { echo "ERROR: $tool is missing" >&2; exit 1; }; done
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=18080 CLIENTS=4 IMAGE=local/haproxy:3.0
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "ERROR: no image $IMAGE (deploy/up.sh builds it)" >&2; exit 1; }
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$HERE/results-$RUN_ID.txt
WORK=$(mktemp -d)
chmod 755 "$WORK"   # HAProxy runs as its own user (uid 100) and connects to the keeper socket in it

cleanup() {
  docker rm -f hk1 hk2 hk3 >/dev/null 2>&1 || true
  kill "${client_pids[@]}" ${keeper_pid:-} 2>/dev/null || true
  rm -rf "$WORK"
}
client_pids=()
trap cleanup EXIT

event() { printf '%s %s\n' "$(date -u +%T.%3N)" "$*" | tee -a "$WORK/events"; }
haproxy_container() {
  docker run -d --name "$1" --network host -e "NAME=$1" -v "$HERE/haproxy.cfg:/k/haproxy.cfg:ro" -v "$WORK:/w" \
    --entrypoint haproxy "$IMAGE" -W -db -x /w/keeper.sock -f /k/haproxy.cfg >/dev/null
  event "started $1"
}
client() {  # one line per request: start (s since epoch), seconds, answer or FAILED
  while [[ ! -e $WORK/stop ]]; do
    local start answer; start=$(date +%s.%N)
    if answer=$(curl -fsS -m 10 "http://127.0.0.1:$PORT/" 2>&1); then :; else answer="FAILED $answer"; fi
    echo "$start $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.3f", e - s}') $answer"
    sleep 0.05
  done >"$WORK/client-$1"
}

python3 "$HERE/keeper.py" 127.0.0.1 "$PORT" "$WORK/keeper.sock" >"$WORK/keeper.log" 2>&1 &
keeper_pid=$!
sleep 1
haproxy_container hk1; sleep 2
for ((i = 1; i <= CLIENTS; i++)); do client "$i" & client_pids+=($!); done
sleep 3; haproxy_container hk2
sleep 3; docker kill -s USR1 hk1 >/dev/null; event "SIGUSR1 (soft stop) to hk1"
sleep 3; docker kill -s USR1 hk2 >/dev/null; event "SIGUSR1 (soft stop) to hk2: no HAProxy now"
sleep 4; haproxy_container hk3
sleep 3; docker kill -s USR2 hk3 >/dev/null; event "SIGUSR2 (reload) to hk3"
sleep 3; docker kill -s USR2 hk3 >/dev/null; event "SIGUSR2 (reload) to hk3"
sleep 3; touch "$WORK/stop"; event "load stops"
wait "${client_pids[@]}"

{
  echo "run $RUN_ID, commit $(git -C "$HERE" rev-parse --short HEAD), $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(docker version -f '{{.Server.Version}}'), $(docker run --rm --entrypoint haproxy "$IMAGE" -v | sed -n 1p)"
  echo; echo "events:"; cat "$WORK/events"
  echo; echo "keeper:"; cat "$WORK/keeper.log"
  for c in hk1 hk2 hk3; do echo; echo "$c:"; docker logs "$c" 2>&1; done
  echo; echo "requests: $(cat "$WORK"/client-* | wc -l), failed: $(cat "$WORK"/client-* | grep -c FAILED || true)"
  echo "slowest (s): $(cat "$WORK"/client-* | sort -k2 -g | tail -n 5 | awk '{printf "%s ", $2}')"
  echo "served by: $(cat "$WORK"/client-* | grep -v FAILED | cut -d' ' -f3- | sort | uniq -c | xargs)"
  echo; echo "raw (start, seconds, answer), all clients:"; sort -g "$WORK"/client-*
} >"$OUT"
sed -n '/^requests:/,/^served by:/p' "$OUT"
echo "written: $OUT"

#!/usr/bin/env bash
# Benchmarks what discovery and balancing cost, side by side, in one run on this machine:
#
#   direct   one instance, no balancer (wrk -> the container's own address, port 8181)
#   static   HAProxy with static `server` lines to the same 3 instances (same haproxy.cfg otherwise)
#   ours     the stack's HAProxy: server-template over Consul DNS SRV
#   ceiling  HAProxy answering by itself (`http-request return`): the most any backend could get
#
# GET /status with wrk at several concurrencies, each repeated; median req/s, p50/p99 latency.
# Then convergence (a new instance's readiness -> its first request; a stopping instance's
# deregistration -> its last request, median of N trials) and the service's start-up time,
# RSS under load and image size. Writes JSON, docs/benchmarks.md and a PNG chart (gnuplot).
# Traffic goes to 127.0.0.1 and the stack's own containers only; every run is bounded.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--smoke] [--duration S] [--reps N] [--trials N] [--out DIR]
  --smoke       a short run that checks the benchmark works (2 s, 1 rep, 1 trial, into target/)
  --duration S  seconds per wrk run (default 10)
  --reps N      repetitions of each measurement (default 3)
  --trials N    convergence trials (default 5)
  --out DIR     where JSON, markdown and PNG go (default docs/)
USAGE
}

DURATION=10 REPS=3 TRIALS=5 OUT=$REPO_ROOT/docs SMOKE=false
CONCURRENCIES=(1 50 200)
CASES=(direct static ours ceiling)
NET=${STACK}_backend
WORK=$(mktemp -d)
trap 'cleanup' EXIT

cleanup() {
  docker rm -f bench-static bench-ceiling >/dev/null 2>&1 || true
  jobs -p | xargs -r kill 2>/dev/null || true
  rm -rf "$WORK"
}

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  command -v bc >/dev/null || missing+=(bc)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_get update >/dev/null && apt_get install "${missing[@]}" >/dev/null
  fi
}

web_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_web"; }
overlay_ip() { docker inspect "$1" -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}"; }
# The address of a task on docker_gwbridge: the one the host can reach directly.
gwbridge_ip() {
  local subnet; subnet=$(docker network inspect docker_gwbridge -f '{{(index .IPAM.Config 0).Subnet}}' | cut -d. -f1-2)
  docker exec "$1" hostname -I | tr ' ' '\n' | grep "^$subnet\." | head -n 1
}

# haproxy.cfg with the SRV discovery replaced by static servers, or by an answer of its own.
static_cfg() {
  local lines="" i=1 c
  for c in $(web_containers); do lines+="    server web$i $(overlay_ip "$c"):8181\n"; i=$((i + 1)); done
  sed -e "s|^    server-template web .*|$lines|" \
      -e 's| resolvers consul resolve-prefer ipv4 init-addr none||' "$REPO_ROOT/haproxy/haproxy.cfg"
}
ceiling_cfg() {
  sed -e 's|^    default_backend web$|    http-request return status 200 content-type text/plain string "OK\\n"|' \
      "$REPO_ROOT/haproxy/haproxy.cfg"
}

start_haproxy() {
  local name=$1 port=$2 cfg=$3
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" --network "$NET" -p "127.0.0.1:$port:8080" \
    -v "$cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" local/haproxy:3.0 >/dev/null
  wait_for 30 "$name to answer" curl -fsS -o /dev/null "http://127.0.0.1:$port/status"
}

url_of() {
  case $1 in
    direct) echo "http://$DIRECT_IP:8181/status" ;;
    static) echo "http://127.0.0.1:18081/status" ;;
    ours) echo "http://127.0.0.1:8080/status" ;;
    ceiling) echo "http://127.0.0.1:18084/status" ;;
  esac
}

# wrk output -> "req_per_s p50_ms p99_ms errors"
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Socket errors:/ { err += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { err += $5 }
    END { printf "%s %s %s %d\n", rps, p50, p99, err }'
}

run_wrk() {
  local url=$1 c=$2 threads=2
  ((c < 2)) && threads=1
  wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency "$url" | parse_wrk
}

throughput() {
  local rep c case result
  : >"$WORK/raw.txt"
  : >"$OUT/benchmarks-raw.txt"
  for ((rep = 1; rep <= REPS; rep++)); do
    for c in "${CONCURRENCIES[@]}"; do
      for case in "${CASES[@]}"; do
        result=$(run_wrk "$(url_of "$case")" "$c")
        echo "$case $c $rep $result" | tee -a "$OUT/benchmarks-raw.txt" >>"$WORK/raw.txt"
        log "rep $rep c=$c $case: $result (req/s p50 p99 errors)"
      done
    done
  done
}

# Median of each measurement over the repetitions, as JSON.
throughput_json() {
  jq -R -s '
    [split("\n")[] | select(length > 0) | split(" ") |
      {case: .[0], c: (.[1] | tonumber), rps: (.[3] | tonumber), p50: (.[4] | tonumber), p99: (.[5] | tonumber), errors: (.[6] | tonumber)}]
    | group_by([.case, .c])
    | map({case: .[0].case, connections: .[0].c,
           rps: ([.[].rps] | sort | .[(length / 2 | floor)]),
           p50Ms: ([.[].p50] | sort | .[(length / 2 | floor)]),
           p99Ms: ([.[].p99] | sort | .[(length / 2 | floor)]),
           errors: ([.[].errors] | add), runs: length})' "$WORK/raw.txt"
}

# --- convergence --------------------------------------------------------------------------------

log_time() {  # log_time FILE MARKER [first|last] -> epoch seconds with ms
  local line
  line=$(grep -F "$2" "$1" | { if [[ ${3:-first} == last ]]; then tail -n 1; else head -n 1; fi; })
  [[ -n $line ]] || { echo ""; return; }
  date -d "$(jq -r '."@timestamp"' <<<"$line")" +%s.%3N
}

light_load() {  # a request every 50 ms through HAProxy, until the deadline
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do curl -s -o /dev/null http://127.0.0.1:8080/status || true; sleep 0.05; done
}

scale_to() {
  docker service scale --detach "${STACK}_web=$1" >/dev/null
  wait_for 180 "$1 web servers UP in HAProxy" haproxy_has "$1"
}
haproxy_has() {
  [[ $(curl -fsS "http://127.0.0.1:8404/stats;csv" | awk -F, '$1 == "web" && $2 ~ /^web[0-9]+$/ && $18 == "UP"' | wc -l) -eq $1 ]]
}

convergence() {
  local trial before c new in out ready first dereg last
  : >"$WORK/convergence.txt"
  light_load $((TRIALS * 90)) &
  local load_pid=$!
  for ((trial = 1; trial <= TRIALS; trial++)); do
    before=$(web_containers | sort)
    scale_to 4
    sleep 2
    new=$(comm -13 <(echo "$before") <(web_containers | sort) | head -n 1)
    docker logs "$new" >"$WORK/new.log" 2>&1
    ready=$(log_time "$WORK/new.log" "Started WebApplication")
    first=$(log_time "$WORK/new.log" '"GET /status 200')
    in=$(echo "$first - $ready" | bc)
    # Follow every log (from now on) before scaling in: the removed container is gone afterwards.
    local c followers=() since
    since=$(date +%s)
    for c in $(web_containers); do docker logs -f --since "$since" "$c" >"$WORK/f-$c.log" 2>&1 & followers+=($!); done
    scale_to 3
    sleep 8
    kill "${followers[@]}" 2>/dev/null || true
    # The removed one is the one that deregistered.
    c=$(grep -lF "Deregistered " "$WORK"/f-*.log | head -n 1)
    [[ -n $c ]] || die "no instance logged its deregistration after scaling in"
    dereg=$(log_time "$c" "Deregistered ")
    last=$(log_time "$c" '"GET /status 200' last)
    out=$(echo "$last - $dereg" | bc)
    rm -f "$WORK"/f-*.log
    log "trial $trial: ready -> first request ${in}s, deregistered -> last request ${out}s"
    echo "$in $out" >>"$WORK/convergence.txt"
  done
  kill "$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
}

convergence_json() {
  jq -R -s '[split("\n")[] | select(length > 0) | split(" ") | map(tonumber)] as $t
    | def median: sort | .[(length / 2 | floor)];
    {trials: ($t | length),
     readyToFirstRequestSeconds: {median: ([$t[][0]] | median), all: [$t[][0]]},
     deregisteredToLastRequestSeconds: {median: ([$t[][1]] | median), all: [$t[][1]]}}' "$WORK/convergence.txt"
}

service_json() {
  local c started rss
  c=$(web_containers | head -n 1)
  started=$(docker logs "$c" 2>&1 | grep -F "Started WebApplication" | jq -r .message | sed -E 's/.*process running for ([0-9.]+).*/\1/')
  rss=$(docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' $(web_containers) | awk '{print $2}' | paste -sd, -)
  jq -n --arg s "$started" --arg rss "$rss" --arg size "$(docker image inspect web:latest -f '{{.Size}}')" \
    '{startupToReadySeconds: ($s | tonumber), rssUnderLoad: ($rss | split(",")), imageBytes: ($size | tonumber)}'
}

report() {
  local json=$OUT/benchmarks.json
  jq -n --argjson t "$(throughput_json)" --argjson c "$(convergence_json)" --argjson s "$(service_json)" \
    --arg machine "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(docker version -f '{{.Server.Version}}')" \
    --arg when "$(date -u +%FT%TZ)" --argjson d "$DURATION" --argjson r "$REPS" '
    def rps($case; $c): ($t[] | select(.case == $case and .connections == $c) | .rps);
    {when: $when, machine: $machine, durationSeconds: $d, repetitions: $r, throughput: $t,
     ratios: [$t | map(.connections) | unique[] as $c | {
        connections: $c,
        discoveryCost_ours_over_static: (rps("ours"; $c) / rps("static"; $c)),
        ours_over_ceiling: (rps("ours"; $c) / rps("ceiling"; $c)),
        serialChainLimit: (1 / (1 / rps("ceiling"; $c) + 1 / rps("direct"; $c))),
        ours_over_serialChainLimit: (rps("ours"; $c) / (1 / (1 / rps("ceiling"; $c) + 1 / rps("direct"; $c))))}],
     convergence: $c, service: $s}' >"$json"
  log "wrote $json"
  chart "$json"
  markdown "$json"
}

chart() {
  local json=$1
  jq -r '.throughput | group_by(.connections)[] | [.[0].connections, (map({(.case): .rps}) | add | .direct, .static, .ours, .ceiling)] | @tsv' "$json" >"$WORK/chart.tsv"
  gnuplot <<GNUPLOT
set terminal pngcairo size 900,420 font "DejaVu Sans,10"
set output "$OUT/benchmarks.png"
set title "GET /status, median req/s (wrk, ${DURATION} s x ${REPS})"
set style data histograms
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set ylabel "requests/s"
set xlabel "connections"
set key top left
set grid ytics
plot "$WORK/chart.tsv" using 2:xtic(1) title "direct (1 instance)", "" using 3 title "HAProxy static", "" using 4 title "HAProxy + Consul SRV (ours)", "" using 5 title "HAProxy ceiling"
GNUPLOT
}

markdown() {
  local json=$1
  {
    echo "# Benchmarks: what discovery and balancing cost"
    echo
    echo "Generated by \`deploy/bench.sh\` on $(jq -r .when "$json") ($(jq -r .machine "$json")). Same 3 instances,"
    echo "same HAProxy configuration (haproxy/haproxy.cfg) except where the case says otherwise, \`wrk\` from Debian,"
    echo "$(jq -r .durationSeconds "$json") s per run, median of $(jq -r .repetitions "$json") runs. Proxy, service and load generator share"
    echo "the same 2 cores: compare ratios within this run, not absolute figures across machines."
    echo "Re-run: \`deploy/up.sh && deploy/bench.sh\`."
    echo
    echo "![req/s](benchmarks.png)"
    echo
    echo "| case | connections | req/s | p50 ms | p99 ms | errors |"
    echo "|---|---|---|---|---|---|"
    jq -r '.throughput | sort_by(.connections, .case)[] | "| \(.case) | \(.connections) | \(.rps | floor) | \(.p50Ms) | \(.p99Ms) | \(.errors) |"' "$json"
    echo
    echo "| connections | ours / static (discovery cost, goal >= 0.97) | ours / ceiling | serial-chain limit 1/(1/ceiling + 1/direct) | ours / limit (goal >= 0.85) |"
    echo "|---|---|---|---|---|"
    jq -r '.ratios[] | "| \(.connections) | \(.discoveryCost_ours_over_static * 1000 | floor / 1000) | \(.ours_over_ceiling * 1000 | floor / 1000) | \(.serialChainLimit | floor) | \(.ours_over_serialChainLimit * 1000 | floor / 1000) |"' "$json"
    echo
    echo "## Convergence (median of $(jq -r .convergence.trials "$json") trials, light load through HAProxy)"
    echo
    echo "| | median s | all trials |"
    echo "|---|---|---|"
    jq -r '.convergence | "| new instance ready -> its first request | \(.readyToFirstRequestSeconds.median) | \(.readyToFirstRequestSeconds.all) |\n| stopping instance deregistered -> its last request | \(.deregisteredToLastRequestSeconds.median) | \(.deregisteredToLastRequestSeconds.all) |"' "$json"
    echo
    echo "## The service"
    echo
    jq -r '.service | "- start-up to ready (JVM start to ApplicationReady): \(.startupToReadySeconds) s\n- memory of the instances after the load: \(.rssUnderLoad | join(", "))\n- image size: \(.imageBytes / 1000000 | floor) MB (JRE 21 + Consul agent + the service)"' "$json"
    echo
    echo "What was tuned, and what each change did: [benchmarks-tuning.md](benchmarks-tuning.md)."
  } >"$OUT/benchmarks.md"
  log "wrote $OUT/benchmarks.md and benchmarks.png"
}

main() {
  while (($#)); do
    case $1 in
      --smoke) SMOKE=true ;;
      --duration) DURATION=${2:?}; shift ;;
      --reps) REPS=${2:?}; shift ;;
      --trials) TRIALS=${2:?}; shift ;;
      --out) OUT=${2:?}; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  if $SMOKE; then DURATION=2 REPS=1 TRIALS=1 OUT=$REPO_ROOT/target/bench-smoke CONCURRENCIES=(1 50); fi
  mkdir -p "$OUT"
  ensure_tools
  stack_deployed || die "the stack is not deployed: run deploy/up.sh first"
  scale_to 3
  DIRECT_IP=$(gwbridge_ip "$(web_containers | head -n 1)")
  [[ -n $DIRECT_IP ]] || die "could not find the docker_gwbridge address of a web instance"
  static_cfg >"$WORK/static.cfg"
  ceiling_cfg >"$WORK/ceiling.cfg"
  chmod 644 "$WORK"/*.cfg
  start_haproxy bench-static 18081 "$WORK/static.cfg"
  start_haproxy bench-ceiling 18084 "$WORK/ceiling.cfg"
  log "warming up"
  local case
  for case in "${CASES[@]}"; do wrk -t2 -c50 -d3s "$(url_of "$case")" >/dev/null; done
  log "throughput: ${CASES[*]} x connections ${CONCURRENCIES[*]} x $REPS runs of ${DURATION}s"
  throughput
  docker rm -f bench-static bench-ceiling >/dev/null
  log "convergence: $TRIALS trials"
  convergence
  report
}

main "$@"

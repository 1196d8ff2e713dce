#!/usr/bin/env bash
# The measuring half of deploy/bench.sh (it validates the arguments and calls this with them in
# the environment: DURATION REPS TRIALS CONCURRENCIES OUT). Writes $OUT/benchmarks-raw/ (every wrk output,
# every trial, the idle sample); deploy/bench/collect.sh sums them up in $OUT/benchmarks.json and
# deploy/bench/report.sh renders that.
#
# Throughput cases, GET /status, wrk -t2 at each concurrency, interleaved repetitions:
#   reference      the plain Boot reference (bench/plain-boot): same base image and JVM flags
#   direct         one of the service's instances, no balancer
#   ceiling        HAProxy with the stack's configuration answering by itself (same logging)
#   static         the same HAProxy with the instances as fixed servers (no DNS)
#   proxied-reference  the same HAProxy in front of as many plain Boot references (fixed servers):
#                  what this machine gives a balancer in front of that many JVMs
#   ours           the stack's HAProxy over Consul SRV, at the docker_gwbridge address of the socket
#                  it serves (the listener keeper's container: the same path without a proxy)
#   ours-loopback  the same at 127.0.0.1:8080, the address users are given (docker-proxy or DNAT)
# Then: the idle stack's CPU (60 s of /proc/stat), scale-out/in trials (start-up, convergence),
# memory after the load, image size. Traffic goes to 127.0.0.1 and the project's containers only.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"
source "$REPO_ROOT/deploy/bench/lib.sh"

(($# == 0)) || bad_args "no arguments: deploy/bench.sh passes DURATION REPS TRIALS CONCURRENCIES OUT in the environment"
[[ -n ${OUT:-} && -n ${CONCURRENCIES:-} ]] || bad_args "run by deploy/bench.sh: OUT and CONCURRENCIES are not set"
positive_int DURATION "${DURATION:-}"
positive_int REPS "${REPS:-}"
positive_int TRIALS "${TRIALS:-}"
for c in $CONCURRENCIES; do positive_int CONCURRENCIES "$c"; done

CASES=(reference direct ceiling static proxied-reference ours ours-loopback)
# The replicas measured: a default deploy's (deploy/docker-stack.yml); the scaling trials add one.
REPLICAS=$(default_web_replicas)
# Log lines of the service this reads (contracts: docs/architecture.md).
READY_LINE="Started WebApplication"
DEREGISTERED_LINE="Deregistered "
read -r -a CONCURRENCIES <<<"$CONCURRENCIES"
WORK=$(mktemp -d)
# The references: one per replica measured (bench-reference-1 is also the "reference" case).
REFERENCES=($(for ((i = 1; i <= REPLICAS; i++)); do echo "bench-reference-$i"; done))
BENCH_CONTAINERS=("${REFERENCES[@]}" bench-static bench-ceiling bench-proxied-reference)
# Whatever happens: the bench containers go, the web service is back at its replica count.
trap 'docker rm -f "${BENCH_CONTAINERS[@]}" >/dev/null 2>&1 || true; rm -rf "$WORK"
      docker service scale --detach "${STACK}_web=$REPLICAS" >/dev/null 2>&1 || true' EXIT

# --- the cases ---------------------------------------------------------------------------------

build_reference() {
  local boot jib
  boot=$(sed -n '/<parent>/,/<\/parent>/s:.*<version>\(.*\)</version>.*:\1:p' "$REPO_ROOT/pom.xml")
  jib=$(sed -n 's:.*<jib-maven-plugin.version>\(.*\)</jib-maven-plugin.version>.*:\1:p' "$REPO_ROOT/pom.xml")
  [[ -n $boot && -n $jib ]] || die "could not read the Boot and Jib versions from pom.xml"
  log "building the plain Boot reference (Boot $boot)"
  (source "$REPO_ROOT/deploy/lib/java.sh" && use_jdk && cd "$REPO_ROOT/bench/plain-boot" \
     && "$REPO_ROOT/mvnw" -q -B -ntp package jib:dockerBuild "-Dspring-boot.version=$boot" "-Djib-maven-plugin.version=$jib") \
    || die "building bench/plain-boot failed"
}

# start_haproxy NAME CONFIG: HAProxy in a container of its own on the stack's network, with the
# stack's image; the operators' userlist is an empty one (the operator port is not measured).
start_haproxy() {
  local name=$1 cfg=$2
  printf 'userlist operators\n' >"$WORK/operators.cfg"
  chmod 644 "$cfg" "$WORK/operators.cfg"
  local run=(--network "${STACK}_backend" -e "HOST_GATEWAY=$(gwbridge_gateway)"
    -v "$cfg:/bench/haproxy.cfg:ro" -v "$WORK/operators.cfg:/bench/operators.cfg:ro" --entrypoint haproxy)
  local files=(-f /bench/haproxy.cfg -f /bench/operators.cfg) refused
  # A configuration HAProxy refuses stops the run here, with HAProxy's words (-c: check only).
  refused=$(docker run --rm "${run[@]}" local/haproxy:3.0 -c "${files[@]}" 2>&1) \
    || die "HAProxy refuses $cfg (for $name): $refused"
  docker run -d --name "$name" "${run[@]}" local/haproxy:3.0 -W -db "${files[@]}" >/dev/null
}

start_cases() {
  docker rm -f "${BENCH_CONTAINERS[@]}" >/dev/null 2>&1 || true
  local ref addresses=()
  for ref in "${REFERENCES[@]}"; do
    # The one connection setting the service changes (application.yaml): no reconnect every 100 requests.
    docker run -d --name "$ref" --network "${STACK}_backend" -e SERVER_TOMCAT_MAX_KEEP_ALIVE_REQUESTS=-1 \
      plain-boot-reference:latest >/dev/null
    addresses+=("$(backend_ip "$ref")")
  done
  running_haproxy_config >"$WORK/static.cfg"
  cp "$WORK/static.cfg" "$WORK/ceiling.cfg"
  cp "$WORK/static.cfg" "$WORK/proxied-reference.cfg"
  static_config "$WORK/static.cfg"
  ceiling_config "$WORK/ceiling.cfg"
  proxied_reference_config "$WORK/proxied-reference.cfg" "${addresses[@]}"
  start_haproxy bench-static "$WORK/static.cfg"
  start_haproxy bench-ceiling "$WORK/ceiling.cfg"
  start_haproxy bench-proxied-reference "$WORK/proxied-reference.cfg"
  declare -gA URL
  URL[reference]=$(gwbridge_url "${REFERENCES[0]}" 8181)
  URL[direct]=$(gwbridge_url "$(web_containers | head -n 1)" 8181)
  URL[ceiling]=$(gwbridge_url bench-ceiling 8080)
  URL[static]=$(gwbridge_url bench-static 8080)
  URL[proxied-reference]=$(gwbridge_url bench-proxied-reference 8080)
  URL[ours]=$(gwbridge_url "$(container_of listeners)" 8080)
  URL[ours-loopback]=$PUBLIC_URL/status
  local case
  for ref in "${REFERENCES[@]}"; do
    wait_for 60 "$ref to answer" curl -fsS -o /dev/null "$(gwbridge_url "$ref" 8181)"
  done
  for case in "${CASES[@]}"; do
    wait_for 60 "$case to answer (${URL[$case]})" curl -fsS -o /dev/null "${URL[$case]}"
  done
}

throughput() {
  local rep c case threads out
  log "warming up every case (JIT)"
  for case in "${CASES[@]}"; do wrk -t2 -c50 -d"$((DURATION < 10 ? DURATION : 10))s" "${URL[$case]}" >/dev/null; done
  : >"$WORK/throughput.txt"
  for ((rep = 1; rep <= REPS; rep++)); do
    for c in "${CONCURRENCIES[@]}"; do
      for case in "${CASES[@]}"; do
        threads=$((c < 2 ? 1 : 2))
        out=$OUT/benchmarks-raw/wrk-$case-c$c-r$rep.txt
        wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency "${URL[$case]}" >"$out"
        echo "$case $c $rep $(parse_wrk <"$out")" >>"$WORK/throughput.txt"
        log "rep $rep c=$c $case: $(tail -n 1 "$WORK/throughput.txt" | cut -d' ' -f4-) (req/s p50 p99 errors)"
      done
    done
  done
  cp "$WORK/throughput.txt" "$OUT/benchmarks-raw/throughput.txt"
}

# --- the stack at rest, and how it follows scaling ---------------------------------------------

# The stack with no traffic: busy cores of the whole machine over 60 s, and where they went: per
# swarm service (its containers), the Docker engine (dockerd, containerd, the shims) and the rest of
# the machine (per process). The counters are read inside the sample (the start ones before the
# machine's, the end ones after), so their own small cost counts against the stack, not for it.
idle() {
  local seconds=$((DURATION < 10 ? 10 : 60)) raw=$OUT/benchmarks-raw
  log "idle: the stack with no traffic, ${seconds} s of /proc/stat (after 20 s of rest)"
  sleep 20
  local services ids cgroups jiffies0 jiffies1 ticks0 ticks1 cpu0 cpu1
  services=$(docker ps --no-trunc --format '{{.ID}} {{.Label "com.docker.swarm.service.name"}}' | sort -k1,1)
  read -r -a ids <<<"$(cut -d' ' -f1 <<<"$services" | tr '\n' ' ')"
  cgroups=$(cpu_cgroups "${ids[@]}")
  jiffies0=$(machine_jiffies) ticks0=$(process_ticks) cpu0=$(container_cpu_ns "$cgroups")
  sleep "$seconds"
  cpu1=$(container_cpu_ns "$cgroups") ticks1=$(process_ticks) jiffies1=$(machine_jiffies)
  awk -v a="$jiffies0" -v b="$jiffies1" -v cpus="$(machine_cpus)" 'BEGIN {split(a, x); split(b, y)
    busy = y[1] - x[1]; all = busy + y[2] - x[2]; printf "%.4f\n", busy / all * cpus}' >"$raw/idle-busy-cores.txt"
  # Per process: ticks (1/100 s) used during the sample, the busiest first.
  join <(echo "$ticks0") <(echo "$ticks1") | awk '$5 - $3 > 0 {print $5 - $3, $1, $2}' | sort -nr \
    >"$raw/idle-cpu-ticks-by-process.txt"
  # Per swarm service: cores over the sample, from the containers that ran throughout (same id at
  # both ends), summed per service.
  join <(echo "$cpu0") <(echo "$cpu1") | join - <(echo "$services") \
    | awk -v t="$seconds" '{s[$4 == "" ? "other" : $4] += $3 - $2} END {for (k in s) printf "%s %.4f\n", k, s[k] / 1e9 / t}' \
    | sort -k2 -nr >"$raw/idle-cores-by-service.txt"
  awk -v t="$seconds" '$3 ~ /^\((dockerd|containerd|containerd-shim)\)$/ {s += $1} END {printf "docker-engine %.4f\n", s / 100 / t}' \
    "$raw/idle-cpu-ticks-by-process.txt" >>"$raw/idle-cores-by-service.txt"
  log "idle: $(<"$raw/idle-busy-cores.txt") busy cores; by part: $(tr '\n' ' ' <"$raw/idle-cores-by-service.txt")"
}

newest_web() { docker ps --filter "label=com.docker.swarm.service.name=${STACK}_web" --format '{{.CreatedAt}}\t{{.ID}}' | sort | tail -n 1 | cut -f2; }
# (sed -n 1p rather than head: it reads to the end, so no writer dies of SIGPIPE under pipefail.)
log_instant() { jq -r --arg m "$2" 'select(.message != null and (.message | startswith($m))) | ."@timestamp"' <<<"$1" | sed -n 1p; }
epoch_ms() { date -d "$1" +%s%3N; }
# Request log lines (HAProxy, logs service) of one instance: when HAProxy received each request
# ([26/Nov/2026:02:11:20.758], UTC in the container), epoch ms. The current file and the one
# rotated last (the throughput runs write ~100 MB in seconds), oldest first.
request_times() {
  docker exec "$(container_of logs)" bash -c 'cd /var/log/requests && grep -hF "instance=$1 " $(ls -r requests.log.1 requests.log 2>/dev/null)' _ "$1" \
    | sed -nE 's|.* \[([0-9]+)/([A-Za-z]+)/([0-9]+):([0-9:]+)\.([0-9]+)\] .*|\1 \2 \3 \4 UTC \5|p' \
    | while read -r d mon y t tz ms; do echo "$(date -d "$d $mon $y $t $tz" +%s)$ms"; done
}

light_load() { local end=$((SECONDS + $1)); while ((SECONDS < end)); do curl -s -o /dev/null "$PUBLIC_URL/status" || true; sleep 0.05; done; }

# Scale REPLICAS -> +1 -> REPLICAS under a light load, TRIALS times: the new instance's start-up (JVM start to
# ready, its own log), ready -> first request through HAProxy, deregistered -> last request.
trials() {
  local trial new started ready first dereg last logs
  : >"$OUT/benchmarks-raw/trials.txt"
  light_load $((TRIALS * 120)) &
  local load=$!
  for ((trial = 1; trial <= TRIALS; trial++)); do
    docker service scale --detach "${STACK}_web=$((REPLICAS + 1))" >/dev/null
    wait_for 180 "$((REPLICAS + 1)) web servers UP in HAProxy" bash -c "[[ \$('$REPO_ROOT/deploy/status.sh' --servers-up) -eq $((REPLICAS + 1)) ]]"
    sleep 3
    new=$(newest_web)
    logs=$(docker logs "$new" 2>/dev/null | grep '^{' || true)
    started=$(jq -r 'select(.message != null and (.message | startswith($m))) | .message' --arg m "$READY_LINE" <<<"$logs" \
      | sed -E 's/.*process running for ([0-9.]+).*/\1/' | sed -n 1p)
    ready=$(epoch_ms "$(log_instant "$logs" "$READY_LINE")")
    first=$(request_times "$new" | sed -n 1p)
    # Swarm removes a scaled-in task's container, and its log with it: follow it meanwhile.
    docker logs -f "$new" >"$WORK/trial-$trial.log" 2>&1 &
    local follower=$!
    docker service scale --detach "${STACK}_web=$REPLICAS" >/dev/null
    wait_for 180 "$REPLICAS web servers UP in HAProxy" bash -c "[[ \$('$REPO_ROOT/deploy/status.sh' --servers-up) -eq $REPLICAS && -z \$(docker ps -q -f id=$new) ]]"
    kill "$follower" 2>/dev/null || true
    wait "$follower" 2>/dev/null || true
    sleep 2   # the request log is written in batches
    logs=$(grep '^{' "$WORK/trial-$trial.log" || true)
    dereg=$(epoch_ms "$(log_instant "$logs" "$DEREGISTERED_LINE")")
    last=$(request_times "$new" | tail -n 1)
    echo "$trial $started $(((first - ready))) $(((last - dereg)))" | tee -a "$OUT/benchmarks-raw/trials.txt" >&2
  done
  kill "$load" 2>/dev/null || true
  wait "$load" 2>/dev/null || true
}

service_figures() {
  docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' $(web_containers) >"$OUT/benchmarks-raw/memory-after-load.txt"
  container_memory $(web_containers) >"$OUT/benchmarks-raw/memory-after-load-by-kind.txt"
  docker image inspect -f '{{.Size}}' web:latest >"$OUT/benchmarks-raw/image-bytes.txt"
}

main() {
  stack_deployed || die "the stack is not deployed: run deploy/up.sh first"
  # Which run (and whether the tree is clean) before the previous run's raw files are removed.
  local info
  info=$("$REPO_ROOT/deploy/bench/run-info.sh")
  mkdir -p "$OUT/benchmarks-raw"
  rm -f "$OUT"/benchmarks-raw/*
  echo "$info" >"$OUT/benchmarks-raw/run.json"
  docker service scale --detach "${STACK}_web=$REPLICAS" >/dev/null
  wait_for 180 "$REPLICAS web servers UP in HAProxy" bash -c "[[ \$('$REPO_ROOT/deploy/status.sh' --servers-up) -eq $REPLICAS ]]"
  build_reference
  start_cases
  log "throughput: ${CASES[*]} x connections ${CONCURRENCIES[*]} x $REPS runs of ${DURATION}s"
  throughput
  service_figures
  docker rm -f "${BENCH_CONTAINERS[@]}" >/dev/null
  idle
  log "scaling trials: $TRIALS"
  trials
}

main "$@"

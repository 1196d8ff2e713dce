# Helpers of the benchmark (deploy/bench/measure.sh). Sourced, not executed.

# The address of a container on docker_gwbridge: what the host reaches without any proxy (the
# stack's published ports are host mode: the host's own connections to them go through
# docker-proxy when Docker's userland proxy is on). Found by the endpoint's name, which the engine
# derives from the container's network sandbox ("gateway_" + its first 12 characters): the key of
# the network's container list is the container's id only while the engine finds that sandbox.
gwbridge_ip() {
  local endpoint
  endpoint=gateway_$(docker inspect -f '{{.NetworkSettings.SandboxID}}' "$1" | cut -c1-12)
  docker network inspect docker_gwbridge -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{"\n"}}{{end}}' \
    | awk -v endpoint="$endpoint" '$1 == endpoint {sub(/\/.*/, "", $2); print $2}'
}

# gwbridge_url CONTAINER PORT: http://ADDRESS:PORT/status at that address. Asked again until the
# address is there (a container just started, an engine busy with the stack), so that a case is
# never measured at an empty address. A container that has none says why (container_report).
has_gwbridge_ip() { [[ -n $(gwbridge_ip "$1") ]]; }
gwbridge_url() {
  wait_until 30 has_gwbridge_ip "$1" || die "no docker_gwbridge address of $1 after 30 s; $(container_report "$1")"
  echo "http://$(gwbridge_ip "$1"):$2/status"
}

# container_report CONTAINER: what became of a container the benchmark needs: its state and its
# last log lines (a case that stopped, or never got its address, is reported, not just timed out).
container_report() {
  docker inspect -f 'state {{.State.Status}}, exit code {{.State.ExitCode}}, OOM killed {{.State.OOMKilled}}, error "{{.State.Error}}", started {{.State.StartedAt}}, finished {{.State.FinishedAt}}' "$1" 2>&1 || true
  echo "its last log lines:"
  docker logs --tail 20 "$1" 2>&1 | sed 's/^/  /' || true
}

# The docker_gwbridge gateway: the address HAProxy sees for the host's own connections.
gwbridge_gateway() { docker network inspect docker_gwbridge -f '{{(index .IPAM.Config 0).Gateway}}'; }

web_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_web"; }

# The address of a container on the stack's network (what HAProxy connects to).
backend_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"${STACK}_backend\").IPAddress}}" "$1"; }

# wrk output -> "req_per_s p50_ms p99_ms errors". A run with socket errors or non-2xx answers
# reports them; the report shows every case's errors.
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { err += $5 }
    END { printf "%s %s %s %d\n", rps, p50, p99, err }'
}

# replace_line FILE REGEX REPLACEMENT: the derived configurations of the benchmark. Exactly one
# line of the source must match, or the source changed shape and the benchmark stops.
replace_line() {
  local file=$1 regex=$2 replacement=$3 count
  count=$(grep -cE "$regex" "$file" || true)
  ((count == 1)) || die "haproxy.cfg changed shape: $count lines match /$regex/ (expected 1); update deploy/bench/lib.sh"
  awk -v re="$regex" -v rep="$replacement" '$0 ~ re {print rep; next} {print}' "$file" >"$file.new" && mv "$file.new" "$file"
}

# The running HAProxy's configuration (with its Consul nameservers), copied out of its container.
running_haproxy_config() {
  docker exec "$(container_of haproxy)" bash -c 'cat "${HAPROXY_RUN_DIR:-/dev/shm/haproxy}/haproxy.cfg"'
}

# static_servers FILE ADDRESS...: the configuration with these fixed servers (port 8181) instead
# of the DNS template, and the same server settings minus the DNS ones.
static_servers() {
  local file=$1 lines="" address i=1
  shift
  for address in "$@"; do
    lines+="    server web$i $address:8181"$'\n'
    i=$((i + 1))
  done
  replace_line "$file" '^    server-template web [0-9]+ ' "${lines%$'\n'}"
  local line stripped
  line=$(grep -E '^    default-server ' "$file" | head -n 1)
  stripped=$(sed -E 's/ resolvers consul//; s/ resolve-prefer ipv4//; s/ init-addr [^ ]+//' <<<"$line")
  [[ $stripped != "$line" ]] || die "haproxy.cfg changed shape: no DNS settings on the default-server line"
  replace_line "$file" '^    default-server ' "$stripped"
}

# static: the service's instances as fixed servers.
static_config() {
  local file=$1 c addresses=()
  for c in $(web_containers); do
    addresses+=("$(backend_ip "$c")")
  done
  static_servers "$file" "${addresses[@]}"
}

# proxied-reference: plain Boot references as fixed servers. They have no management port: the
# same health checks (interval, rise, fall) go to GET /status on 8181.
proxied_reference_config() {
  local file=$1 line
  shift
  static_servers "$file" "$@"
  line=$(grep -E '^    default-server ' "$file" | head -n 1)
  [[ $line == *" check port 8182 "* ]] || die "haproxy.cfg changed shape: the default-server line does not check port 8182"
  replace_line "$file" '^    default-server ' "${line/ check port 8182 / check port 8181 }"
  replace_line "$file" '^    http-check send meth GET uri /actuator/health/readiness$' '    http-check send meth GET uri /status'
}

# ceiling: the same configuration, the public frontend answering by itself (logging as usual).
ceiling_config() {
  replace_line "$1" '^    default_backend web$' '    http-request return status 200 content-type text/plain string OK'
}

# CPU counters of the whole machine (busy and idle jiffies), of every process (pid, name, ticks of
# its own: utime + stime) and of every container (id, nanoseconds: what its processes used, the
# healthchecks swarm runs in it included). Cheap to read: they are read inside the idle sample.
machine_jiffies() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat; }
# The CPUs those jiffies are summed over (the "cpuN" lines): busy / all jiffies times this is cores.
machine_cpus() { grep -c '^cpu[0-9]' /proc/stat; }
process_ticks() {
  # The name is in parentheses and may hold spaces: the fields are counted after it.
  awk 'FNR == 1 {
      pid = FILENAME; sub(/^\/proc\//, "", pid); sub(/\/stat$/, "", pid)
      lp = index($0, "("); rp = match($0, /\) [A-Za-z] /); name = substr($0, lp, rp - lp + 1)
      gsub(/ /, "_", name); split(substr($0, rp + 2), f, " "); print pid, name, f[12] + f[13] }' \
    /proc/[0-9]*/stat 2>/dev/null | sort -k1,1 || true
}
# process_cgroup PID CONTROLLER: the directory of the process's cgroup for that controller (cgroup
# v1: /sys/fs/cgroup/CONTROLLER/...) or its one directory (v2), whichever cgroup driver the engine uses.
process_cgroup() {
  local path
  path=$(awk -F: -v c="$2" '$2 == "" || index("," $2 ",", "," c ",") {print $3; exit}' "/proc/$1/cgroup")
  if [[ -d /sys/fs/cgroup/$2$path ]]; then echo "/sys/fs/cgroup/$2$path"; else echo "/sys/fs/cgroup$path"; fi
}
# cpu_cgroups CONTAINER...: "id directory" of each container's CPU accounting (one docker inspect for
# all); asked before a sample (docker inspect is not cheap), read by container_cpu_ns inside it.
cpu_cgroups() {
  local id pid
  docker inspect -f '{{.Id}} {{.State.Pid}}' "$@" | while read -r id pid; do echo "$id $(process_cgroup "$pid" cpuacct)"; done
}
# container_cpu_ns CGROUPS: "id nanoseconds" for each "id directory" line; a container gone since is left out.
container_cpu_ns() {
  local id dir
  while read -r id dir; do
    if [[ -r $dir/cpuacct.usage ]]; then echo "$id $(<"$dir/cpuacct.usage")"
    elif [[ -r $dir/cpu.stat ]]; then echo "$id $(awk '$1 == "usage_usec" {printf "%.0f", $2 * 1000}' "$dir/cpu.stat")"
    fi
  done <<<"$1" | sort -k1,1
}

# container_memory CONTAINER...: "name anon_bytes file_bytes" from each container's memory cgroup
# (v1 or v2, found through its first process): what `docker stats` adds up, split into private
# memory (anonymous: heaps, JIT code, stacks) and page cache, which holds the image's files shared
# by all replicas and is charged to whichever container read a page first.
container_memory() {
  local name pid stat
  docker inspect -f '{{.Name}} {{.State.Pid}}' "$@" | while read -r name pid; do
    stat=$(process_cgroup "$pid" memory)/memory.stat
    awk -v name="${name#/}" '
      $1 == "total_rss" || $1 == "anon" {anon = $2}
      $1 == "total_cache" || $1 == "file" {file = $2}
      END {print name, anon + 0, file + 0}' "$stat"
  done
}

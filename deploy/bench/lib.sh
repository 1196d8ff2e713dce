# Helpers of the benchmark (deploy/bench/measure.sh). Sourced, not executed.

# The address of a container on docker_gwbridge: what the host reaches without any proxy (the
# stack's published ports are host mode: the host's own connections to them go through
# docker-proxy when Docker's userland proxy is on).
gwbridge_ip() {
  docker network inspect docker_gwbridge -f '{{range $id, $c := .Containers}}{{$id}} {{$c.IPv4Address}}{{"\n"}}{{end}}' \
    | awk -v id="$(docker inspect -f '{{.Id}}' "$1")" '$1 == id {sub(/\/.*/, "", $2); print $2}'
}

# The docker_gwbridge gateway: the address HAProxy sees for the host's own connections.
gwbridge_gateway() { docker network inspect docker_gwbridge -f '{{(index .IPAM.Config 0).Gateway}}'; }

web_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_web"; }

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

# static: the same configuration, the three instances as fixed servers instead of the DNS template.
static_config() {
  local file=$1 lines="" c i=1
  for c in $(web_containers); do
    lines+="    server web$i $(docker inspect -f "{{(index .NetworkSettings.Networks \"${STACK}_backend\").IPAddress}}" "$c"):8181"$'\n'
    i=$((i + 1))
  done
  replace_line "$file" '^    server-template web [0-9]+ ' "${lines%$'\n'}"
  # The same server settings, minus the DNS ones.
  local line stripped
  line=$(grep -E '^    default-server ' "$file" | head -n 1)
  stripped=$(sed -E 's/ resolvers consul//; s/ resolve-prefer ipv4//; s/ init-addr [^ ]+//' <<<"$line")
  [[ $stripped != "$line" ]] || die "haproxy.cfg changed shape: no DNS settings on the default-server line"
  replace_line "$file" '^    default-server ' "$stripped"
}

# ceiling: the same configuration, the public frontend answering by itself (logging as usual).
ceiling_config() {
  replace_line "$1" '^    default_backend web$' '    http-request return status 200 content-type text/plain string OK'
}

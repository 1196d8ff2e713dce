# What the deploy/ scripts ask of a deployed stack (sourced after common.sh; not executed).

stack_deployed() { docker stack ls --format '{{.Name}}' 2>/dev/null | grep -qx "$STACK"; }

# The stack's network outlives `docker stack rm` by several seconds; a redeploy must wait for it.
network_gone() { ! docker network inspect "${STACK}_backend" >/dev/null 2>&1; }

# The id of one running container of a stack service (consul, web, haproxy), slot optional.
container_of() {
  local service=$1 slot=${2:-}
  docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_${service}" \
    ${slot:+--filter "name=${STACK}_${service}.${slot}."} | head -n 1
}

# consul_tool COMMAND...: runs COMMAND (consul, consul-acl-ensure) in a throwaway container of the
# Consul image on the stack's network, with the secrets and consul/acl/ mounted read-only; the
# Consul servers answer at tasks.consul:8500. Root inside: the secrets are root-only files.
# The token: each call names its own (-token-file=/secrets/...), or $CONSUL_TOOL_TOKEN names the
# file in $SECRETS_DIR that the consul CLI takes by default (deploy/consul.sh).
consul_tool() {
  docker run --rm -i --user 0 --network "${STACK}_backend" --entrypoint "$1" \
    -e CONSUL_HTTP_ADDR=tasks.consul:8500 \
    ${CONSUL_TOOL_TOKEN:+-e "CONSUL_HTTP_TOKEN_FILE=/secrets/$CONSUL_TOOL_TOKEN"} \
    -v "$SECRETS_DIR:/secrets:ro" -v "$REPO_ROOT/consul/acl:/acl:ro" \
    "$CONSUL_IMAGE" "${@:2}"
}

consul_has_leader() {
  local c; c=$(container_of consul)
  [[ -n $c ]] && docker exec "$c" curl -fsS http://127.0.0.1:8500/v1/status/leader 2>/dev/null | grep -q ':[0-9]'
}

# Autopilot's settings live in raft: server.hcl only sets them when a cluster is bootstrapped.
ensure_autopilot_config() {
  consul_tool consul operator autopilot set-config -token-file=/secrets/consul-master.token \
    -cleanup-dead-servers=false -server-stabilization-time=3s >/dev/null
}

# Makes the ACL policies and tokens exist (idempotent; consul/consul-acl-ensure).
ensure_acls() {
  consul_tool consul-acl-ensure -a tasks.consul:8500 -m /secrets/consul-master.token \
    -p /acl/policies -t /acl/tokens.conf -s /secrets 2>&1 | grep -v ': unchanged' >&2
}

# check_haproxy_config FILE: would HAProxy's entrypoint run FILE? (haproxy-run --check, in the image)
check_haproxy_config() {
  docker run --rm --network none -v "$1:/check/haproxy.cfg:ro" --entrypoint haproxy-run local/haproxy:3.0 \
    --check /check/haproxy.cfg >/dev/null
}

# HAProxy takes its configuration from Consul KV (haproxy/haproxy-run); a changed file reloads it.
# $HAPROXY_CONFIG_FILE (default haproxy/haproxy.cfg): deploy/haproxy-config.sh checks it first.
publish_haproxy_config() {
  consul_tool consul kv put -token-file=/secrets/deploy.token haproxy/haproxy.cfg - >/dev/null \
    <"${HAPROXY_CONFIG_FILE:-$REPO_ROOT/haproxy/haproxy.cfg}"
}

# The operators' userlist (user and password hash, rendered by deploy/secrets.sh) goes the same
# way: every HAProxy task reloads with it, so a new password needs no new task. Read from the
# file inside the container: the hash is never on a command line.
publish_operators() {
  consul_tool consul kv put -token-file=/secrets/deploy.token haproxy/operators.cfg \
    @/secrets/rendered/haproxy-operators.cfg >/dev/null
}

# curl to HAProxy's operator port with the operators' credentials (never printed).
operator_curl() {
  curl -fsS -K <(printf 'user = "%s:%s"\n' "$OPERATOR_USER" "$(<"$SECRETS_DIR/operator-password")") "$@"
}

# The servers of backend "web" HAProxy has an address for, one line each: NAME STATUS ADDRESS
# (its stats CSV: field 18 is the status, 74 the address; empty slots are in MAINT). The one place
# that reads it: deploy/status.sh prints it (--servers, --servers-up) for operators and tests.
# OPERATOR_TIMEOUT: seconds to wait for the answer (default 10; a monitor of dead nodes uses less).
haproxy_servers() {
  operator_curl -m "${OPERATOR_TIMEOUT:-10}" "$OPERATOR_URL/stats;csv" 2>/dev/null \
    | awk -F, '$1 == "web" && $2 ~ /^web[0-9]+$/ && $18 !~ /^MAINT/ {print $2, $18, $74}'
}

# How many servers of backend "web" HAProxy reports UP.
haproxy_servers_up() {
  haproxy_servers | awk '$2 == "UP"' | wc -l
}

# A single-node stack deployed before the listener keeper: its HAProxy publishes the public ports
# itself, and the keeper (service listeners) could not publish them while it runs. It goes first,
# once: the ports are closed until the new HAProxy serves on the keeper's sockets.
release_balancer_ports() {
  local haproxy=${1}_haproxy
  [[ -n $(docker service inspect -f '{{range .Spec.EndpointSpec.Ports}}{{.PublishedPort}}{{end}}' "$haproxy" 2>/dev/null) ]] \
    || return 0
  log "service $haproxy publishes the public ports itself (deployed before the listener keeper): removing it first"
  docker service rm "$haproxy" >/dev/null
  wait_for 60 "the old HAProxy's containers to go" \
    bash -c "[[ -z \$(docker ps -q --filter label=com.docker.swarm.service.name=$haproxy) ]]"
}

# deploy_stack FILE NAME [OVERLAY]: deploys a stack file (and an overlay that changes some of its
# services: docker-stack.multi-node.yml); its configs and secrets named by content hashes.
deploy_stack() {
  local file=$1 name=$2 overlay=${3:-}
  if ! docker stack ls --format '{{.Name}}' | grep -qx "$name"; then
    wait_for 60 "the network of a previous '$name' stack to go" \
      bash -c "! docker network inspect '${name}_backend' >/dev/null 2>&1"
  fi
  STACK_FILE=$file export_file_versions
  # One Consul server per node: the node, not the slot, names a server and its data volume
  # (docker-stack.yml). Swarm may put slot 2 where slot 3 ran after a redeploy or a restart of
  # every node; by slot, two servers then started empty next to one that kept the raft
  # configuration, and no leader was ever elected (measured on deploy/cluster.sh).
  if [[ ${CONSUL_MAX_PER_NODE:-} == 1 ]]; then export CONSUL_IDENTITY=.Node.Hostname; fi
  # The service image's ID: the stack file labels the web containers with it, so a rebuilt image
  # under the same tag (web:latest) rolls out on redeploy (--resolve-image never compares tags only).
  WEB_IMAGE_ID=$(docker image inspect -f '{{.Id}}' "${WEB_IMAGE:-web:latest}" 2>/dev/null || true)
  export WEB_IMAGE_ID
  [[ -n $overlay ]] || release_balancer_ports "$name"
  docker stack deploy --detach=true --resolve-image never --prune -c "$file" ${overlay:+-c "$overlay"} "$name" \
    >/dev/null || die "docker stack deploy of $file${overlay:+ with $overlay} failed"
}

# Configs and secrets are immutable: every changed file deploys a new one (deploy_stack), and the
# old ones would pile up with each redeploy. prune_unused_configs removes those of the stack that
# no service uses, neither in its spec nor in the one a rollback returns to (PreviousSpec).
prune_unused_configs() {
  local services kind used old
  services=$(docker service ls -q --filter "$STACK_FILTER")
  [[ -n $services ]] || return 0
  for kind in config secret; do
    # shellcheck disable=SC2086 # one argument per service id
    used=$(docker service inspect -f "$(referenced_template "$kind")" $services | sort -u) \
      || { warn "could not read the services' ${kind}s; none removed"; return 0; }
    while read -r old; do
      if docker "$kind" rm "$old" >/dev/null; then log "removed the unused $kind $old"
      else warn "could not remove the unused $kind $old (see above)"; fi
    done < <(docker "$kind" ls --filter "$STACK_FILTER" --format '{{.Name}}' \
               | grep -vxF -f <(printf '%s\n' "$used"))
  done
}

# The Go template that lists a service's configs or secrets (KIND), current and previous spec.
referenced_template() {
  local k=${1^}
  local names="{{range .TaskTemplate.ContainerSpec.${k}s}}{{println .${k}Name}}{{end}}"
  echo "{{with .Spec}}$names{{end}}{{with .PreviousSpec}}$names{{end}}"
}

# What a freshly deployed (or redeployed) stack needs from Consul before it can serve: a leader,
# the ACL policies and tokens, HAProxy's configuration and the operators' userlist in KV.
bootstrap_consul() {
  local timeout=$1
  log "waiting for a Consul leader"
  wait_for "$timeout" "a Consul leader" consul_has_leader
  log "making the ACL policies and tokens exist"
  ensure_acls || die "the ACL bootstrap failed (consul/consul-acl-ensure)"
  ensure_autopilot_config || die "could not set autopilot's configuration"
  log "publishing HAProxy's configuration and the operators' userlist to Consul KV"
  # The userlist first: a HAProxy that starts finds both.
  wait_for 60 "the operators' userlist to be written to Consul" publish_operators
  wait_for 60 "HAProxy's configuration to be written to Consul" publish_haproxy_config
}

#!/usr/bin/env bash
# A 3-node swarm on this one machine, with the whole system deployed on it:
#
#   up       bridge swc-br0 + 3 nodes (network namespaces, each its own dockerd; see
#            deploy/cluster-node.sh), all three swarm managers; the images loaded into each node;
#            deploy/docker-stack.yml with docker-stack.multi-node.yml (2 HAProxy tasks that bind
#            their ports, no listener keeper) and deploy/docker-stack.vip.yml (keepalived,
#            VIP $CLUSTER_VIP) deployed; waits until it serves through the VIP
#   down     removes all of it (engines, namespaces, bridge, data)
#   status   nodes, services, where each task runs, who holds the VIP, what each node costs
#            (deploy/cluster-status.sh)
#
# The host's own engine and its stacks are never touched: each node has its own engine, network
# namespace and iptables. On the host there is only the bridge, its address and one FORWARD rule.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/versions.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"
source "$REPO_ROOT/deploy/lib/cluster.sh"

usage() {
  cat <<USAGE
usage: $0 up [--replicas N] [--timeout SECONDS] | down | status
  up           create (or complete) the cluster and deploy; idempotent
    --replicas N   web replicas (default $(default_web_replicas), the stack file's)
    --timeout S    how long to wait for all-ready (default 420)
  down         remove the cluster, its engines and their data ($CLUSTER_DIR)
  status       nodes, services, tasks per node, VIP holder, cost per node
  Nodes: $(for n in $(node_nums); do printf '%s=%s ' "$(node_name "$n")" "$(node_addr "$n")"; done)VIP=$CLUSTER_VIP
USAGE
}

NODE_SH=$REPO_ROOT/deploy/cluster-node.sh
# Bridged frames pass the host's FORWARD chain (br_netfilter), whose policy Docker sets to DROP.
FORWARD_RULE=(FORWARD -i "$CLUSTER_BRIDGE" -o "$CLUSTER_BRIDGE" -m comment --comment swc-cluster -j ACCEPT)

ensure_images_on_host() {
  docker info >/dev/null 2>&1 || die "the host's Docker engine does not answer (deploy/setup.sh starts it)"
  "$REPO_ROOT/deploy/images/build-base-images.sh"              # the single-node set's (missing or stale)
  "$REPO_ROOT/deploy/images/build-base-images.sh" keepalived
  docker image inspect "${WEB_IMAGE:-web:latest}" >/dev/null 2>&1 || "$REPO_ROOT/deploy/build-image.sh"
  local image; for image in $(stack_images); do
    docker image inspect "$image" >/dev/null 2>&1 || die "image $image (named in a stack file) is not on the host"
  done
}

ensure_bridge() {
  if ! ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1; then
    log "bridge $CLUSTER_BRIDGE ($CLUSTER_HOST_ADDR/24)"
    ip link add "$CLUSTER_BRIDGE" type bridge
    ip addr add "$CLUSTER_HOST_ADDR/24" dev "$CLUSTER_BRIDGE"
    ip link set "$CLUSTER_BRIDGE" up
  fi
  iptables -C "${FORWARD_RULE[@]}" 2>/dev/null || iptables -I "${FORWARD_RULE[@]}"
}

join_token() { JOIN_TOKEN=$(ndocker 1 swarm join-token -q manager); }

ensure_swarm() {
  local timeout=$1 n
  if [[ $(ndocker 1 info -f '{{.Swarm.LocalNodeState}}') == inactive ]]; then
    log "swc-n1: swarm init"
    # Docker's default heartbeat (5 s). 2 s noticed dead nodes sooner, but once also took a
    # healthy node for dead and restarted its tasks (docs/multi-node-notes.md).
    ndocker 1 swarm init --advertise-addr "$(node_addr 1)" >/dev/null
  fi
  for n in $(node_nums); do
    # Only a node that is in no swarm joins; one that is "pending" is a member reconnecting (a
    # crashed node back) and becomes whole by itself, or the wait below says it did not.
    [[ $(ndocker "$n" info -f '{{.Swarm.LocalNodeState}}') == inactive ]] || continue
    # Asked again while the swarm has no leader (a manager that has just come back).
    [[ -n ${JOIN_TOKEN:-} ]] || wait_for "$timeout" "the swarm's join token (it needs a leader)" join_token
    log "$(node_name "$n"): joins as a manager"
    ndocker "$n" swarm join --token "$JOIN_TOKEN" --advertise-addr "$(node_addr "$n")" "$(node_addr 1):2377" >/dev/null
  done
  wait_swarm_settled "$timeout"
}

# Node N gets the images it lacks (or has in another version): docker save | docker load.
load_images_into() {
  local n=$1 image missing=()
  for image in $(stack_images); do
    [[ $(ndocker "$n" image inspect -f '{{.Id}}' "$image" 2>/dev/null) == "$(docker image inspect -f '{{.Id}}' "$image")" ]] \
      || missing+=("$image")
  done
  ((${#missing[@]})) || return 0
  log "$(node_name "$n"): loading ${missing[*]}"
  docker save "${missing[@]}" | ndocker "$n" load -q >/dev/null
}

load_images() {
  local n pids=() p rc=0
  for n in $(node_nums); do load_images_into "$n" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "loading the images into the nodes failed"
}

# Runs on node 1's engine (any manager would do): the same steps as deploy/up.sh.
deploy_stacks() {
  local replicas=$1 timeout=$2
  export DOCKER_HOST; DOCKER_HOST=$(node_sock 1)
  # One Consul server per node, for good (see docker-stack.yml); two balancers on two nodes.
  export WEB_REPLICAS=$replicas HAPROXY_REPLICAS=2 CONSUL_MAX_PER_NODE=1 VRRP_VIP=$CLUSTER_VIP/24 VRRP_PEERS
  # The peers are the swarm's own node addresses, not a list written by hand.
  VRRP_PEERS=$(docker node ls -q | xargs docker node inspect -f '{{.Status.Addr}}' | sort | xargs)
  "$REPO_ROOT/deploy/secrets.sh"
  log "deploying stack '$STACK' ($replicas web, 2 HAProxy) and '$VIP_STACK' (VIP $CLUSTER_VIP, peers $VRRP_PEERS)"
  deploy_stack "$STACK_FILE" "$STACK" "$MULTI_NODE_STACK_FILE"
  deploy_stack "$VIP_STACK_FILE" "$VIP_STACK"
  bootstrap_consul "$timeout"
  unset DOCKER_HOST
}

tasks_settled() {
  ndocker 1 service ls -q | xargs -r env DOCKER_HOST="$(node_sock 1)" docker service inspect \
    -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' | grep -qE 'updating|rollback_started' && return 1
  ndocker 1 service ls --format '{{.Replicas}}' | awk -F'[/ ]' '$1 != $2 {bad = 1} END {exit bad}'
}

# The nodes whose HAProxy answers on its published public port.
balancers() {
  local n
  for n in $(node_nums); do
    curl -fsS -m 2 -o /dev/null "http://$(node_addr "$n"):8080/healthz" 2>/dev/null && node_addr "$n"
  done
}

# Both balancers answer, each serves every replica, the VIP serves /status.
cluster_ready() {
  local want=$1 addrs a i; addrs=$(balancers)
  [[ $(wc -w <<<"$addrs") -eq 2 ]] || return 1
  for a in $addrs; do
    [[ $(OPERATOR_URL=http://$a:8404 haproxy_servers_up) -eq $want ]] || return 1
  done
  for i in 1 2 3 4 5; do curl -fsS -m 2 -o /dev/null "http://$CLUSTER_VIP:8080/status" || return 1; done
}

# What a failed `up` leaves for its reader (a CI log, say): the cluster as it is, and the Consul
# servers' last lines. Bounded: manager calls wait while the swarm has no leader.
explain_failed_up() {
  log "up failed; the cluster as it is now:"
  timeout 60 "$REPO_ROOT/deploy/cluster-status.sh" || true
  local n c
  for n in $(node_nums); do
    for c in $(tndocker 10 "$n" ps -q --filter "label=com.docker.swarm.service.name=${STACK}_consul" 2>/dev/null); do
      echo "--- $(node_name "$n"): the last lines of Consul server container $c"
      tndocker 10 "$n" logs --tail 40 "$c" 2>&1 || true
    done
  done
}

up() {
  local replicas=$1 timeout=$2 start=$SECONDS n
  trap 'rc=$?; ((rc == 0)) || explain_failed_up; exit "$rc"' EXIT
  ensure_images_on_host
  ensure_bridge
  for n in $(node_nums); do "$NODE_SH" start "$n"; done
  ensure_swarm "$timeout"
  load_images
  local deploy_start=$SECONDS
  deploy_stacks "$replicas" "$timeout"
  log "waiting for the services to reach their replica counts"
  wait_for "$timeout" "the cluster's tasks to settle" tasks_settled
  log "waiting for 2 balancers with $replicas web servers UP each, a Consul leader, the VIP"
  wait_for "$timeout" "the cluster to serve through $CLUSTER_VIP" cluster_ready "$replicas"
  log "ready in $((SECONDS - deploy_start)) s after deploy ($((SECONDS - start)) s in all)"
  echo "  Service (VIP)  http://$CLUSTER_VIP:8080/status   balancers: $(balancers | xargs)   (deploy/cluster.sh status)"
}

down() {
  local n pids=()
  for n in $(node_nums); do "$NODE_SH" stop "$n" & pids+=($!); done
  local rc=0 p; for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "a node did not stop cleanly; run $0 down again"
  if ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1; then log "removing bridge $CLUSTER_BRIDGE"; ip link delete "$CLUSTER_BRIDGE"; fi
  while iptables -C "${FORWARD_RULE[@]}" 2>/dev/null; do iptables -D "${FORWARD_RULE[@]}"; done
  rm -rf "$CLUSTER_DIR" "$CLUSTER_RUN"
  log "cluster is down"
}

main() {
  local action=${1:-}; (($#)) && shift
  local replicas='' timeout=420
  case $action in
    up)
      while (($#)); do
        case $1 in
          --replicas) needs_value "$@"; replicas=$2; shift ;;
          --timeout) needs_value "$@"; timeout=$2; shift ;;
          -h|--help) usage; exit 0 ;;
          *) bad_args "unknown argument: $1" ;;
        esac
        shift
      done
      replicas=${replicas:-$(default_web_replicas)}
      positive_int --replicas "$replicas" 20 "HAProxy has 20 slots"
      positive_int --timeout "$timeout" "" seconds ;;
    down|status) (($# == 0)) || bad_args "unknown argument: $1" ;;
    -h|--help) usage; exit 0 ;;
    '') bad_args "an action is needed: up, down or status" ;;
    *) bad_args "unknown action: $action" ;;
  esac
  [[ $EUID -eq 0 ]] || die "run as root: it creates network namespaces, a bridge and engines"
  case $action in up) up "$replicas" "$timeout" ;; down) down ;; status) exec "$REPO_ROOT/deploy/cluster-status.sh" ;; esac
}

main "$@"

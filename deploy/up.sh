#!/usr/bin/env bash
# One command for the whole system: sets the machine up if needed (Docker engine, swarm, base
# images, service image), deploys the stack, waits until HAProxy serves every replica, and
# prints where to reach it. Running it again updates the stack in place.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--build] [--replicas N] [--timeout SECONDS]
  --build        rebuild the service image even if web:latest exists
  --replicas N   web replicas (default 3)
  --timeout S    how long to wait for all-ready (default 300)
  Environment: STACK (stack name, default web), WEB_IMAGE (default web:latest)
USAGE
}

ensure_image() {
  local build=$1
  if $build || ! docker image inspect "${WEB_IMAGE:-web:latest}" >/dev/null 2>&1; then
    "$REPO_ROOT/deploy/build-image.sh"
  fi
}

# Config names carry a hash of their file, so a changed file becomes a new docker config.
hash_of() { sha256sum "$REPO_ROOT/$1" | cut -c1-12; }

config_versions() {
  export CONSUL_SERVER_CFG_VERSION CONSUL_AGENT_CFG_VERSION HAPROXY_CFG_VERSION LOGS_CFG_VERSION \
    PROMETHEUS_CFG_VERSION PROMETHEUS_ALERTS_VERSION PROMETHEUS_CONSOLE_VERSION
  CONSUL_SERVER_CFG_VERSION=$(hash_of consul/server.hcl)
  CONSUL_AGENT_CFG_VERSION=$(hash_of consul/agent.hcl)
  HAPROXY_CFG_VERSION=$(hash_of haproxy/haproxy.cfg)
  LOGS_CFG_VERSION=$(hash_of logs/rsyslog.conf)
  PROMETHEUS_CFG_VERSION=$(hash_of prometheus/prometheus.yml)
  PROMETHEUS_ALERTS_VERSION=$(hash_of prometheus/alerts.yml)
  PROMETHEUS_CONSOLE_VERSION=$(hash_of prometheus/consoles/web.html)
}

deploy() {
  local replicas=$1
  if ! stack_deployed; then
    wait_for 60 "the network of a previous '$STACK' stack to go" network_gone
  fi
  config_versions
  export WEB_REPLICAS=$replicas
  log "deploying stack '$STACK' ($replicas web replicas)"
  docker stack deploy --detach=true --resolve-image never --prune -c "$STACK_FILE" "$STACK" >/dev/null \
    || die "docker stack deploy failed"
}

consul_has_leader() {
  local c; c=$(container_of consul)
  [[ -n $c ]] && docker exec "$c" curl -fsS http://127.0.0.1:8500/v1/status/leader 2>/dev/null | grep -q ':8300'
}

haproxy_up_count() {
  curl -fsS "http://127.0.0.1:8404/stats;csv" 2>/dev/null \
    | awk -F, '$1 == "web" && $2 ~ /^web[0-9]+$/ && $18 == "UP"' | wc -l
}

all_web_up() { [[ $(haproxy_up_count) -eq $1 ]]; }

# Five answers in a row through the public frontend.
serves_status() {
  local i
  for i in 1 2 3 4 5; do curl -fsS -o /dev/null http://127.0.0.1:8080/status || return 1; done
}

# Every service runs exactly its desired number of tasks, and none is starting or unhealthy:
# no rolling update (e.g. of a redeployed running stack) is still going on.
tasks_settled() {
  local filter="label=com.docker.stack.namespace=$STACK"
  docker service ls -q --filter "$filter" \
    | xargs -r docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' \
    | grep -qE 'updating|rollback_started' && return 1
  ! docker service ls --filter "$filter" --format '{{.Replicas}}' | awk -F'[/ ]' '$1 != $2 {bad = 1} END {exit !bad}' \
    && [[ -z $(docker ps -q --filter "$filter" --filter health=starting) ]] \
    && [[ -z $(docker ps -q --filter "$filter" --filter health=unhealthy) ]]
}

prometheus_ready() { curl -fsS -o /dev/null http://127.0.0.1:9090/-/ready; }

main() {
  local build=false replicas=3 timeout=300
  while (($#)); do
    case $1 in
      --build) build=true ;;
      --replicas) replicas=${2:?--replicas needs a number}; shift ;;
      --timeout) timeout=${2:?--timeout needs seconds}; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  [[ $replicas =~ ^[0-9]+$ ]] && ((replicas >= 1 && replicas <= 20)) || die "--replicas must be 1..20 (HAProxy has 20 slots)"
  local start=$SECONDS
  "$REPO_ROOT/deploy/setup.sh" --no-image
  ensure_image "$build"
  local deploy_start=$SECONDS
  deploy "$replicas"
  sleep 2   # let swarm begin the rolling updates of a redeploy before looking for them
  log "waiting for rolling updates, if any, to finish"
  wait_for "$timeout" "the stack's tasks to settle" tasks_settled
  log "waiting for a Consul leader"
  wait_for "$timeout" "a Consul leader" consul_has_leader
  log "waiting for HAProxy to serve all $replicas replicas"
  wait_for "$timeout" "HAProxy to report $replicas web servers UP" all_web_up "$replicas"
  wait_for 60 "/status to answer through HAProxy" serves_status
  wait_for 120 "Prometheus to be ready" prometheus_ready
  log "ready in $((SECONDS - deploy_start)) s after deploy ($((SECONDS - start)) s in all)"
  cat <<URLS

  Service          http://127.0.0.1:8080/status   http://127.0.0.1:8080/whoami
  HAProxy stats    http://127.0.0.1:8404/stats
  HAProxy metrics  http://127.0.0.1:8404/metrics
  Consul UI        http://127.0.0.1:8404/ui/
  Prometheus       http://127.0.0.1:9090/  (alerts: /alerts, dashboard: /consoles/web.html)

URLS
}

main "$@"

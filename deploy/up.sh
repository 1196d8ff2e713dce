#!/usr/bin/env bash
# One command for the whole system: sets the machine up if needed (Docker engine, swarm, base
# images, service image), makes the secrets, deploys the stack, bootstraps Consul's ACLs,
# publishes HAProxy's configuration, waits until HAProxy serves every replica, and prints where
# to reach it. Running it again updates the stack in place.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/versions.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"
source "$REPO_ROOT/deploy/lib/desired.sh"

usage() {
  cat <<USAGE
usage: $0 [--build] [--replicas N] [--timeout SECONDS]
  --build        rebuild the service image even if web:latest exists
  --replicas N   web replicas, 1..20 (default $(default_web_replicas), the stack file's; HAProxy has 20 slots)
  --timeout S    how long to wait for all-ready, in seconds (default 300)
  Environment: STACK (stack name, default web), WEB_IMAGE (default web:latest),
    WEB_DELAY_ENABLED (true: /whoami?delayMs works, for tests), ALERT_WEBHOOK_URL,
    EDGE_REQUESTS_PER_10S_PER_CLIENT, EDGE_CONNECTIONS_PER_CLIENT (HAProxy's per-client limits)
USAGE
}

ensure_image() {
  local build=$1
  if $build || ! docker image inspect "${WEB_IMAGE:-web:latest}" >/dev/null 2>&1; then
    "$REPO_ROOT/deploy/build-image.sh"
  fi
}

# Five answers in a row through the public frontend.
serves_status() {
  local i
  for i in 1 2 3 4 5; do curl -fsS -o /dev/null "$PUBLIC_URL/status" || return 1; done
}

# Every service runs exactly its desired number of tasks, and none is starting or unhealthy:
# no rolling update (e.g. of a redeployed running stack) is still going on.
tasks_settled() {
  local services updates statuses
  services=$(docker service ls --filter "$STACK_FILTER" --format '{{.ID}} {{.Replicas}}') || return 1
  # Replicas: "2/3", or "1/1 (max 1 per node)".
  awk '{split($2, n, "/"); if (n[1] != n[2]) bad = 1} END {exit bad}' <<<"$services" || return 1
  updates=$(awk '{print $1}' <<<"$services" \
    | xargs -r docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}') || return 1
  ! grep -qE 'updating|rollback_started' <<<"$updates" || return 1
  # A container's status ends in "(health: starting)" or "(unhealthy)" while it is either.
  statuses=$(docker ps --filter "$STACK_FILTER" --format '{{.Status}}') || return 1
  ! grep -qE '\((health: starting|unhealthy)\)$' <<<"$statuses"
}

all_web_up() { [[ $(haproxy_servers_up) -eq $1 ]]; }
prometheus_ready() { operator_curl -o /dev/null "$OPERATOR_URL/prometheus/-/ready"; }

main() {
  local build=false replicas='' timeout=300
  while (($#)); do
    case $1 in
      --build) build=true ;;
      --replicas) needs_value "$@"; replicas=$2; shift ;;
      --timeout) needs_value "$@"; timeout=$2; shift ;;
      -h|--help) usage; exit 0 ;;
      *) bad_args "unknown argument: $1" ;;
    esac
    shift
  done
  replicas=${replicas:-$(default_web_replicas)}
  positive_int --replicas "$replicas" 20 "HAProxy has 20 slots"
  positive_int --timeout "$timeout" "" seconds
  local start=$SECONDS
  "$REPO_ROOT/deploy/setup.sh" --no-image
  ensure_image "$build"
  check_haproxy_config "$REPO_ROOT/haproxy/haproxy.cfg" || die "HAProxy refuses haproxy/haproxy.cfg (see above)"
  "$REPO_ROOT/deploy/secrets.sh"
  local deploy_start=$SECONDS
  export WEB_REPLICAS=$replicas
  log "deploying stack '$STACK' ($replicas web replicas)"
  deploy_stack "$STACK_FILE" "$STACK"
  bootstrap_consul "$timeout"
  log "publishing the desired replica count ($replicas) to Consul KV"
  wait_for 60 "the desired replica count to be written to Consul" publish_desired_replicas "$replicas"
  sleep 2   # let swarm begin the rolling updates of a redeploy before looking for them
  log "waiting for rolling updates, if any, to finish"
  wait_for "$timeout" "the stack's tasks to settle" tasks_settled
  prune_unused_configs
  log "waiting for HAProxy to serve all $replicas replicas"
  wait_for "$timeout" "HAProxy to report $replicas web servers UP" all_web_up "$replicas"
  wait_for 60 "/status to answer through HAProxy" serves_status
  wait_for 120 "Prometheus to be ready" prometheus_ready
  log "ready in $((SECONDS - deploy_start)) s after deploy ($((SECONDS - start)) s in all)"
  cat <<URLS

  Service          $PUBLIC_URL/status   $PUBLIC_URL/whoami
  Operator port    $OPERATOR_URL/  (user "$OPERATOR_USER"; password: $SECRETS_DIR/operator-password,
                   or deploy/secrets.sh --print-operator-password)
    HAProxy stats  $OPERATOR_URL/stats
    Consul UI      $OPERATOR_URL/ui/  (asks for a Consul token: consul/acl/tokens.conf, $SECRETS_DIR)
    Prometheus     $OPERATOR_URL/prometheus/  (alerts: /prometheus/alerts, dashboard: /prometheus/consoles/web.html)
    Alertmanager   $OPERATOR_URL/alertmanager/  (webhook receiver: ALERT_WEBHOOK_URL, deploy/secrets.sh)

URLS
}

main "$@"

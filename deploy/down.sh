#!/usr/bin/env bash
# Removes the stack. Consul's data volumes are kept (the cluster comes back with its state on
# the next deploy/up.sh) unless --purge is given.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() {
  cat <<USAGE
usage: $0 [--purge]
  --purge   also delete the stack's state: Consul's data (${STACK}_consul-data-N, or -<node>)
            and HAProxy's last good configuration (${STACK}_haproxy-state-N); the secrets stay
            ($SECRETS_DIR)
  Environment: STACK (stack name, default web)
USAGE
}

stack_containers_gone() {
  [[ -z $(docker ps -aq --filter "$STACK_FILTER") ]]
}

# `docker stack rm` leaves the network behind when a container outside the stack is attached to it
# (docker run --network ${STACK}_backend: a benchmark, a test): removed here once it is free.
network_removed() {
  network_gone || docker network rm "${STACK}_backend" >/dev/null 2>&1
}

main() {
  local purge=false
  while (($#)); do
    case $1 in
      --purge) purge=true ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; echo "ERROR: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
  done
  docker info >/dev/null 2>&1 || die "the Docker engine does not answer (deploy/setup.sh starts it)"
  if stack_deployed; then
    log "removing stack '$STACK'"
    docker stack rm "$STACK" >/dev/null
  else
    log "stack '$STACK' is not deployed"
  fi
  wait_for 90 "the containers of '$STACK' to stop" stack_containers_gone
  if ! (wait_for 60 "the network of '$STACK' to go" network_removed); then
    die "${STACK}_backend is still in use by containers outside the stack: $(docker network inspect \
      -f '{{range .Containers}}{{.Name}} {{end}}' "${STACK}_backend" 2>/dev/null)"
  fi
  if $purge; then
    local volumes
    volumes=$(docker volume ls -q --filter "name=^${STACK}_consul-data-"; docker volume ls -q --filter "name=^${STACK}_haproxy-state-")
    if [[ -n $volumes ]]; then
      log "deleting the stack's state: $(echo $volumes)"
      docker volume rm $volumes >/dev/null
    fi
  fi
  log "stack '$STACK' is down"
}

main "$@"

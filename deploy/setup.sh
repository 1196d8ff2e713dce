#!/usr/bin/env bash
# Prepares this machine to build, run and test the system. Idempotent: every step
# checks first and does nothing when its result is already there.
#
#   1. a Docker engine that answers (installs Debian's docker.io and starts dockerd if needed,
#      after releasing what a killed engine left behind)
#   2. a single-node swarm
#   3. the base images built from Debian packages (no registry needed)
#   4. host tools the tests and benchmarks use (wrk)
#   5. the service image, built by Jib into the local daemon (web:<version>, web:latest)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--no-image]
  Sets up the Docker engine, swarm, base images, test tools and the service image.
  --no-image   skip building the service image (step 5)
USAGE
}

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}

# A dockerd that was killed while containers ran (kill -9, the end of a CI job) leaves their
# network namespaces mounted under its exec-root (moby/moby#15857), each with its veth still on
# docker0 or docker_gwbridge and the address it had. The next engine does not know them and hands
# those addresses out again: a new container (a Testcontainers Consul) then answers for a few
# seconds, until the bridge learns the dead namespace's MAC for the same address. Done only when
# no dockerd process runs (none answers, none is starting), so every entry there is stale (the
# engine recreates the swarm's own); one that still holds a process is left alone. Plain files
# there are mount points already released.
NETNS_DIR=/run/docker/netns
release_stale_network_namespaces() {
  [[ -d $NETNS_DIR ]] && ! pgrep -x dockerd >/dev/null || return 0
  local -A in_use=()
  local link ns released=0
  for link in /proc/[0-9]*/ns/net; do
    link=$(readlink "$link" 2>/dev/null) && in_use[$link]=1
  done
  for ns in "$NETNS_DIR"/*; do
    [[ -e $ns ]] || continue
    if mountpoint -q "$ns"; then
      [[ -z ${in_use["net:[$(stat -L -c %i "$ns")]"]:-} ]] || continue
      umount "$ns" || continue
      released=$((released + 1))
    fi
    rm -f "$ns"
  done
  ((released == 0)) || log "released $released network namespace(s) left by an engine that was killed"
}

ensure_engine() {
  if docker info >/dev/null 2>&1; then
    log "Docker engine answers"
    return
  fi
  if ! command -v dockerd >/dev/null; then
    log "installing the Docker engine (Debian docker.io)"
    apt_get update >/dev/null
    apt_get install docker.io >/dev/null || die "apt-get install docker.io failed"
  fi
  release_stale_network_namespaces
  log "starting dockerd (log: $DOCKERD_LOG)"
  # setsid: the engine must outlive this script and the shell that ran it.
  # Prefer local images: no registry is reachable, and a lookup would delay every task.
  # No userland proxy: the host's own connections to the published ports (127.0.0.1:8080) are
  # forwarded by the kernel instead of copied through a docker-proxy process: ~1.5 times the req/s
  # there (docs/benchmarks-tuning.md). Unless daemon.json sets it (dockerd refuses a setting given
  # both ways). An engine that already runs keeps its own setting.
  local flags=()
  grep -qs '"userland-proxy"' "$DOCKERD_CONFIG" || flags+=(--userland-proxy=false)
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nohup dockerd "${flags[@]}" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  wait_for 60 "dockerd to answer (see $DOCKERD_LOG)" docker info
  log "Docker engine $(docker version -f '{{.Server.Version}}') is up"
}

ensure_swarm() {
  if [[ $(docker info -f '{{.Swarm.LocalNodeState}}') == active ]]; then
    log "swarm is active"
    return
  fi
  log "initialising a single-node swarm"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null || die "docker swarm init failed"
}

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  command -v jq >/dev/null || missing+=(jq)
  # deploy/secrets.sh hashes the operators' password.
  command -v openssl >/dev/null || missing+=(openssl)
  # Headless Chromium loads the Prometheus dashboard in a system test (and takes its screenshot).
  command -v chromium >/dev/null || missing+=(chromium)
  # Fonts for the PNG charts the reliability tests draw (headless AWT).
  [[ $(fc-list 2>/dev/null | grep -ci dejavu) -gt 0 ]] || missing+=(fontconfig fonts-dejavu-core)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_get update >/dev/null
    apt_get install "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
}

build_service_image() {
  log "building the service image with Jib (web:latest)"
  "$REPO_ROOT/deploy/build-image.sh"
}

main() {
  local image=true
  while (($#)); do
    case $1 in
      --no-image) image=false ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; echo "ERROR: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
  done
  [[ $EUID -eq 0 ]] || die "run as root: it installs packages and starts dockerd"
  ensure_engine
  ensure_swarm
  ensure_tools
  "$REPO_ROOT/deploy/images/build-base-images.sh"
  if $image; then build_service_image; fi
  log "setup done"
}

main "$@"

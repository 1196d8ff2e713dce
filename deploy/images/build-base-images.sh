#!/usr/bin/env bash
# Builds the base images the project needs from Debian packages, for machines that cannot
# pull from a registry: a Debian root filesystem + apt packages, imported with `docker import`.
# Images that already exist are left alone. One file per image in this folder:
#
#   jre.sh         local/jre:25           the service's base: jlink'd Java 25 + the Consul agent
#   consul.sh      local/consul:1.8.7     the Consul servers (and the Testcontainers tests)
#   haproxy.sh     local/haproxy:3.0      HAProxy 3.0 + a Consul agent (DNS)
#   listeners.sh   local/listeners:1      the listener keeper: HAProxy's public sockets outlive HAProxy
#   prometheus.sh  local/prometheus:2.53  Prometheus + promtool + a Consul agent (discovery)
#   logs.sh        local/rsyslog:8        the request log collector (rsyslog)
#   alertmanager.sh  local/alertmanager:0.28  Alertmanager + amtool (alert routing, webhook)
#   keepalived.sh  local/keepalived:2.3   the balancers' virtual IP on several nodes (on request only)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/deploy/images/lib.sh"

IMAGES=(jre consul haproxy listeners prometheus logs alertmanager)
# Built only when named (deploy/cluster.sh does): not needed on a single node.
ON_REQUEST=(keepalived)
for name in "${IMAGES[@]}" "${ON_REQUEST[@]}"; do source "$REPO_ROOT/deploy/images/$name.sh"; done

usage() {
  cat <<USAGE
usage: $0 [--force] [IMAGE...]
  Builds the missing local base images (all by default: ${IMAGES[*]}; on request: ${ON_REQUEST[*]}).
  --force   rebuild even if the image exists
USAGE
}

# The image tag a builder makes: jre -> \$JRE_IMAGE.
image_of() { local var="${1^^}_IMAGE"; echo "${!var}"; }

# A hash of what an image is made from (its builder, lib.sh and the files it copies), stored as
# a label: an image built from other sources than these is rebuilt.
inputs_hash() {
  local -n inputs="${1^^}_INPUTS"
  (cd "$REPO_ROOT" && cat deploy/images/lib.sh "${inputs[@]}") | sha256sum | cut -c1-16
}
BUILD_LABEL=org.example.swarmweb.inputs

up_to_date() {
  local image=$1 hash=$2
  [[ $(docker image inspect -f "{{index .Config.Labels \"$BUILD_LABEL\"}}" "$image" 2>/dev/null) == "$hash" ]]
}

main() {
  local force=false selected=() name
  while (($#)); do
    case $1 in
      --force) force=true ;;
      -h|--help) usage; exit 0 ;;
      -*) usage >&2; echo "ERROR: unknown option: $1" >&2; exit 2 ;;
      *) [[ " ${IMAGES[*]} ${ON_REQUEST[*]} " == *" $1 "* ]] || { usage >&2; echo "ERROR: unknown image: $1" >&2; exit 2; }
         selected+=("$1") ;;
    esac
    shift
  done
  ((${#selected[@]})) || selected=("${IMAGES[@]}")
  [[ $EUID -eq 0 ]] || die "building base images needs root (debootstrap, chroot)"
  mkdir -p "$CACHE"
  command -v debootstrap >/dev/null || { log "installing debootstrap"; apt_get update >/dev/null; apt_get install debootstrap >/dev/null; }
  local image hash
  for name in "${selected[@]}"; do
    image=$(image_of "$name")
    hash=$(inputs_hash "$name")
    if ! $force && up_to_date "$image" "$hash"; then
      log "$image present"
      continue
    fi
    log "building $image"
    IMAGE_LABEL="LABEL $BUILD_LABEL=$hash" "build_$name"
  done
}

main "$@"

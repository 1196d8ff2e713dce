#!/usr/bin/env bash
# haproxy-config.sh [FILE]: changes HAProxy's configuration without restarting it. Checks FILE
# (default haproxy/haproxy.cfg) with the HAProxy of the stack's image first (haproxy-run --check),
# then writes it into Consul KV (haproxy/haproxy.cfg), where every HAProxy task's entrypoint
# (haproxy/haproxy-run) sees it within seconds and reloads in place: no connection is refused.
# A configuration that fails the check is not published: exit 1, HAProxy keeps the running one.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() { echo "usage: $0 [FILE]   (default: haproxy/haproxy.cfg)"; }

main() {
  local file=$REPO_ROOT/haproxy/haproxy.cfg
  (($# <= 1)) || bad_args "one file at most"
  case ${1:-} in
    -h|--help) usage; exit 0 ;;
    -*) bad_args "unknown option: $1" ;;
    '') ;;
    *) [[ -f $1 && -r $1 ]] || bad_args "cannot read $1"
       file=$(realpath "$1") ;;
  esac
  stack_deployed || die "the stack '$STACK' is not deployed (deploy/up.sh)"
  log "checking $file"
  check_haproxy_config "$file" || die "HAProxy refuses $file (see above): not published"
  log "publishing it to Consul KV (HAProxy reloads within seconds)"
  HAPROXY_CONFIG_FILE=$file publish_haproxy_config || die "could not write the configuration to Consul"
}

main "$@"

#!/usr/bin/env bash
# status.sh: what the stack is doing, for operators (services, Consul's raft peers, the servers
# HAProxy balances over); --servers-up prints only how many web servers HAProxy reports UP, and
# --servers one line per server (NAME STATUS ADDRESS): the one reading of HAProxy's stats that
# scripts and tests share.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() { echo "usage: $0 [--servers-up | --servers]"; }

main() {
  (($# <= 1)) || bad_args "one option at most"
  case ${1:-} in
    --servers-up) haproxy_servers_up; return ;;
    --servers) haproxy_servers; return ;;
    -h|--help) usage; return ;;
    '') ;;
    *) bad_args "unknown argument: $1" ;;
  esac
  stack_deployed || die "the stack '$STACK' is not deployed"
  docker stack services "$STACK"
  echo
  "$REPO_ROOT/deploy/consul.sh" operator raft list-peers || warn "no answer from Consul"
  echo
  echo "HAProxy: $(haproxy_servers_up) web servers UP"
  haproxy_servers | awk '{printf "  %-6s %-5s %s\n", $1, $2, $3}'
}

main "$@"

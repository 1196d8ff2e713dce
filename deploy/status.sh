#!/usr/bin/env bash
# status.sh: what the stack is doing, for operators (services, Consul's raft peers, the servers
# HAProxy balances over); --servers-up prints only how many web servers HAProxy reports UP (the
# one reading of HAProxy's stats that scripts and tests share).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() { echo "usage: $0 [--servers-up]"; }

main() {
  case ${1:-} in
    --servers-up) haproxy_servers_up; return ;;
    -h|--help) usage; return ;;
    '') ;;
    *) usage >&2; echo "ERROR: unknown argument: $1" >&2; exit 2 ;;
  esac
  stack_deployed || die "the stack '$STACK' is not deployed"
  docker stack services "$STACK"
  echo
  "$REPO_ROOT/deploy/consul.sh" operator raft list-peers || warn "no answer from Consul"
  echo
  echo "HAProxy: $(haproxy_servers_up) web servers UP"
  operator_curl "$OPERATOR_URL/stats;csv" 2>/dev/null \
    | awk -F, '$1 == "web" && $2 ~ /^web[0-9]+$/ && $18 !~ /^MAINT/ {printf "  %-6s %-5s %s\n", $2, $18, $74}'
}

main "$@"

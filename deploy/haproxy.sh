#!/usr/bin/env bash
# haproxy.sh COMMAND: one command of HAProxy's runtime API on the stack's balancer on this node,
# its answer on stdout. The API listens on the balancer's loopback only; haproxy-run --runtime
# (inside its container) finds its address in the configuration it runs. For operators:
#   deploy/haproxy.sh 'show servers state'
#   deploy/haproxy.sh 'show stat'
#   deploy/haproxy.sh 'disable server web/web3'
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() { echo "usage: $0 'RUNTIME-API-COMMAND'   (one argument, e.g. $0 'show servers state')"; }
(($#)) || bad_args "the runtime API command is missing"
[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
[[ $1 != -* ]] || bad_args "unknown option: $1"
(($# == 1)) || bad_args "the command is one argument, quoted: '$*'"
stack_deployed || die "the stack '$STACK' is not deployed"
balancer=$(container_of haproxy)
[[ -n $balancer ]] || die "no HAProxy task of the stack '$STACK' runs on this node"
docker exec "$balancer" haproxy-run --runtime "$1"

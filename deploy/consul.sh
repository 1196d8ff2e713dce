#!/usr/bin/env bash
# consul.sh ARGS...: the consul CLI against the stack's Consul servers, with the management token
# (from $SECRETS_DIR; never printed). For operators and the tests:
#   deploy/consul.sh operator raft list-peers
#   deploy/consul.sh members
#   deploy/consul.sh catalog services
# Runs in a throwaway container on the stack's network (the servers publish no port).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() { echo "usage: $0 CONSUL-ARGS...   (e.g. $0 operator raft list-peers)"; }
(($#)) || bad_args "the consul command to run is missing"
[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
stack_deployed || die "the stack '$STACK' is not deployed"
token=consul-master.token
[[ -r $SECRETS_DIR/$token ]] || die "no management token in $SECRETS_DIR (run as root on the manager)"
CONSUL_TOOL_TOKEN=$token consul_tool consul "$@"

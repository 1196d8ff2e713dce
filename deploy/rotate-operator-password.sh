#!/usr/bin/env bash
# rotate-operator-password.sh: gives the operators (HAProxy's operator port, user "operator") a
# new password while the system serves. A new password and its hash replace the old ones in
# $SECRETS_DIR (deploy/secrets.sh makes them), the userlist goes to Consul KV, and every HAProxy
# task reloads with it in place (haproxy/haproxy-run): no task is replaced, no connection refused.
# Waits until the operator port at $OPERATOR_URL accepts the new password. Prints no password:
# deploy/secrets.sh --print-operator-password does, when asked.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

usage() {
  cat <<USAGE
usage: $0 [--timeout SECONDS]
  A new password for the operator port of the deployed stack '$STACK', without a restart.
  --timeout S   how long to wait for HAProxy to accept it (default 60)
  Environment: STACK, SECRETS_DIR, OPERATOR_URL (default $OPERATOR_URL)
USAGE
}

accepts_new_password() { operator_curl -m 5 -o /dev/null "$OPERATOR_URL/stats" 2>/dev/null; }

main() {
  local timeout=60
  while (($#)); do
    case $1 in
      --timeout) needs_value "$@"; timeout=$2; shift ;;
      -h|--help) usage; exit 0 ;;
      *) bad_args "unknown argument: $1" ;;
    esac
    shift
  done
  positive_int --timeout "$timeout" "" seconds
  [[ $EUID -eq 0 ]] || die "run as root: the secrets are root-only files"
  stack_deployed || die "the stack '$STACK' is not deployed (deploy/up.sh)"
  # What deploy/secrets.sh needs, checked before the old password is removed.
  command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
  log "replacing the operators' password in $SECRETS_DIR"
  # From here on the old password is gone: should a step fail, say how to finish.
  trap 'rc=$?; ((rc == 0)) || warn "the new password is not in use yet: run $0 again, or deploy/up.sh (it publishes the userlist)"' EXIT
  rm -f "$SECRETS_DIR/operator-password" "$SECRETS_DIR/operator-password.sha512crypt"
  "$REPO_ROOT/deploy/secrets.sh"
  log "publishing the operators' userlist to Consul KV (HAProxy reloads within seconds)"
  wait_for 60 "the operators' userlist to be written to Consul" publish_operators
  wait_for "$timeout" "the operator port to accept the new password" accepts_new_password
  log "done: deploy/secrets.sh --print-operator-password prints it"
}

main "$@"

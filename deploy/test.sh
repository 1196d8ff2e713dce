#!/usr/bin/env bash
# The test command (README, .ci/run): sets the machine up (Docker engine, swarm, base images,
# the service image from this checkout), then runs every test: unit and slice tests,
# Testcontainers integration tests against a real Consul, and the system tests that deploy the
# real stack and drive traffic through HAProxy. Figures go to target/reports/.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/java.sh"

usage() {
  cat <<USAGE
usage: $0 [--no-system] [--full] [-Dname=value | -Pprofile ...] [-- MAVEN_ARGS...]
  --no-system   unit, slice and Testcontainers tests only (no swarm stack)
  --full        also the slow reliability scenarios (Maven profile "full")
  -D..., -P...  passed to Maven (e.g. -Dit.test=ZeroLossSystemIT); anything else only after --
USAGE
}

main() {
  local maven_args=()
  while (($#)); do
    case $1 in
      --no-system) maven_args+=(-DskipSystemTests=true) ;;
      --full) maven_args+=(-Pfull) ;;
      -h|--help) usage; exit 0 ;;
      -D?*|-P?*) maven_args+=("$1") ;;
      --) shift; maven_args+=("$@"); break ;;
      *) bad_args "unknown argument: $1 (Maven's own options go after --)" ;;
    esac
    shift
  done
  [[ $EUID -eq 0 ]] || die "run as root: set-up installs packages and starts dockerd"
  "$REPO_ROOT/deploy/setup.sh"
  use_jdk
  cd "$REPO_ROOT"
  log "running the tests (JDK $JAVA_HOME)"
  ./mvnw -B -ntp verify "${maven_args[@]}"
}

main "$@"

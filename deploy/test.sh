#!/usr/bin/env bash
# The test command (README, .ci/run): sets the machine up (Docker engine, swarm, base images,
# the service image from this checkout), then runs every test: unit and slice tests,
# Testcontainers integration tests against a real Consul, and the system tests that deploy the
# real stack and drive traffic through HAProxy. Figures go to target/reports/.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--no-system] [--full] [MAVEN_ARGS...]
  --no-system   unit, slice and Testcontainers tests only (no swarm stack)
  --full        also the slow reliability scenarios (Maven profile "full")
USAGE
}

main() {
  local maven_args=()
  while (($#)); do
    case $1 in
      --no-system) maven_args+=(-DskipSystemTests=true) ;;
      --full) maven_args+=(-Pfull) ;;
      -h|--help) usage; exit 0 ;;
      *) maven_args+=("$1") ;;
    esac
    shift
  done
  [[ $EUID -eq 0 ]] || die "run as root: set-up installs packages and starts dockerd"
  "$REPO_ROOT/deploy/setup.sh"
  export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
  export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
  [[ -x $JAVA_HOME/bin/java ]] || die "JDK 25 not found at $JAVA_HOME (set JAVA_HOME_25)"
  cd "$REPO_ROOT"
  log "running the tests"
  ./mvnw -B -ntp verify "${maven_args[@]}"
}

main "$@"

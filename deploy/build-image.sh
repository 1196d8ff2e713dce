#!/usr/bin/env bash
# Builds the service image with Jib into the local Docker daemon: web:<version> and web:latest.
# Uses the locally built base (docker://local/jre:21, JRE + Consul agent binary) so no registry
# is needed; pass -Djib.from.image=... to use another base.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [MAVEN_ARGS...]
  e.g. $0 -Drevision=2.0.0 -Dimage.extra.tag=2   builds web:2.0.0 and web:2
USAGE
}
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }

export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
docker image inspect local/jre:21 >/dev/null 2>&1 || die "base image local/jre:21 missing: run deploy/setup.sh"
cd "$REPO_ROOT"
./mvnw -q -B -DskipTests -Djib.from.image=docker://local/jre:21 "$@" compile jib:dockerBuild \
  || die "Jib build failed"
log "built $(docker images --format '{{.Repository}}:{{.Tag}} ({{.Size}})' web | paste -sd ' ' -)"

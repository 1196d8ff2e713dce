#!/usr/bin/env bash
# Builds the service image with Jib into the local Docker daemon: web:<version> and web:latest,
# on the project's own base (local/jre:25, made by deploy/setup.sh), so no registry is needed.
#
# Then a training run of that image records what the JVM loads and links, and the method
# profiles, into an ahead-of-time cache (Java 25, JEP 483/514/515: -XX:AOTCacheOutput): the whole
# start-up and some requests, until it is stopped. The image is built again with the cache in
# /app/aot (see pom.xml, aot.options). --no-aot skips that: the image then starts slower.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/java.sh"

usage() {
  cat <<USAGE
usage: $0 [--no-aot] [-Dname=value...]
  e.g. $0 -Drevision=2.0.0 -Dimage.extra.tag=2.0.0   builds web:2.0.0
  -Dbuild.dir=DIR builds in DIR instead of target/ (another version next to the current build)
  -Djib.from.image=... another base image (it must carry the consul binary, bash and http-ok)
USAGE
}

AOT_CACHE_IN_IMAGE=/app/aot/app.aot
# Spring's own AOT: the bean definitions that process-aot (pom.xml) generated into the jar are used
# instead of being worked out at every start. Only with this script: it builds the jar first.
SPRING_AOT=-Dspring.aot.enabled=true

mvnw() {
  ./mvnw -q -B -ntp -DskipTests "${MAVEN_ARGS[@]}" "$@"
}

# The value of a -Dname=value among the Maven arguments, or the default.
maven_arg() {
  local name=$1 default=$2 arg
  for arg in "${MAVEN_ARGS[@]}"; do [[ $arg == -D$name=* ]] && default=${arg#-D"$name"=}; done
  echo "$default"
}

# A training run: the service starts with the image's own entrypoint and flags (the cache must
# be made by the same JVM, flags and class path) and no network, so nothing is registered. It
# runs its whole start-up (both web servers, readiness, the attempt to register), answers
# TRAINING_ROUNDS rounds of the requests it gets in the stack, and is stopped the way swarm stops
# it; the JVM writes the cache as it exits. Spring's -Dspring.context.exit=onRefresh (used before)
# ends the run before the web servers start, and the classes of the rest of the start-up then came
# from the jars at every start: 864 of 10,675 classes, 237 of 11,331 with this run; JVM start ->
# ready 2.72 -> 2.50 s median standalone (docs/tuning-raw/2026-11-27-aot-training.txt).
TRAINING_ROUNDS=300
TRAINING_TIMEOUT=180
# The service's ports (application.yaml): public, management.
PUBLIC_PORT=8181
MANAGEMENT_PORT=8182
train_aot_cache() {
  local image=$1 cache_dir=$2 tmp container
  tmp=$(mktemp -d) && chmod 777 "$tmp"
  log "training run for the ahead-of-time cache (start-up, $TRAINING_ROUNDS rounds of requests, stop)"
  if ! container=$(docker run -d --network none -v "$tmp:/aot" \
      -e "JDK_JAVA_OPTIONS=-XX:AOTCacheOutput=/aot/app.aot $SPRING_AOT" "$image"); then
    warn "the training run did not start; the image is built without an ahead-of-time cache"
    rm -rf "$tmp"
    return 0
  fi
  if train "$container"; then
    docker stop -t "$TRAINING_TIMEOUT" "$container" >/dev/null
  fi
  docker logs "$container" >"$tmp/training.log" 2>&1 || true
  docker rm -f "$container" >/dev/null 2>&1 || true
  if [[ -s $tmp/app.aot ]]; then
    cp "$tmp/app.aot" "$cache_dir/app.aot"
  else
    warn "the training run made no cache (see below); the image is built without one"
    tail -n 5 "$tmp/training.log" >&2
  fi
  rm -rf "$tmp"
}

# train CONTAINER: waits until the service is ready, then sends it the requests of the stack
# (the image has bash and http-ok, no curl). Fails when it is not ready in time.
train() {
  local container=$1 deadline=$((SECONDS + TRAINING_TIMEOUT)) served
  until docker exec "$container" http-ok "$MANAGEMENT_PORT" /actuator/health/readiness 2>/dev/null; do
    if ((SECONDS >= deadline)) || [[ $(docker inspect -f '{{.State.Running}}' "$container") != true ]]; then
      warn "the service was not ready within ${TRAINING_TIMEOUT}s of the training run"
      return 1
    fi
    sleep 1
  done
  # What the stack sends: HAProxy's and Consul's readiness checks, the public requests, the
  # Prometheus scrape, and a 404 (the error path). Prints how many /status requests got a 2xx.
  served=$(docker exec "$container" bash -c "served=0
    for ((i = 0; i < $TRAINING_ROUNDS; i++)); do
      http-ok $MANAGEMENT_PORT /actuator/health/readiness; http-ok $PUBLIC_PORT /status && ((++served))
      http-ok $PUBLIC_PORT /whoami; http-ok $PUBLIC_PORT /no-such-page
      ((i % 50)) || http-ok $MANAGEMENT_PORT /actuator/prometheus
    done; echo \$served") || served=0
  ((served == TRAINING_ROUNDS)) || warn "the training run got $served of $TRAINING_ROUNDS answers to /status; the cache is trained on fewer requests"
}

# The commit the image is built from, for its org.opencontainers.image.revision label (pom.xml):
# "-dirty" when the tree differs from it, "unknown" outside a git checkout.
source_revision() {
  local commit
  commit=$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null) || { echo unknown; return; }
  git -C "$REPO_ROOT" diff --quiet HEAD 2>/dev/null || commit+=-dirty
  echo "$commit"
}

main() {
  local aot=true
  MAVEN_ARGS=()
  while (($#)); do
    case $1 in
      --no-aot) aot=false ;;
      -h|--help) usage; exit 0 ;;
      -D?*=*) MAVEN_ARGS+=("$1") ;;
      *) usage >&2; echo "ERROR: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
  done
  local base; base=$(maven_arg jib.from.image docker://local/jre:25)
  if [[ $base == docker://* ]]; then
    docker image inspect "${base#docker://}" >/dev/null 2>&1 || die "base image ${base#docker://} missing: run deploy/setup.sh"
  fi
  use_jdk
  cd "$REPO_ROOT"
  local build_dir version image
  build_dir=$(maven_arg build.dir "$REPO_ROOT/target")
  version=$(maven_arg revision "$(sed -n 's:.*<revision>\(.*\)</revision>.*:\1:p' pom.xml | head -n 1)")
  image=$(maven_arg image.name web):$version
  MAVEN_ARGS+=("-Dimage.revision=$(maven_arg image.revision "$(source_revision)")")
  mkdir -p "$build_dir/aot"
  rm -f "$build_dir/aot/app.aot"
  log "building $image with Jib (JDK $JAVA_HOME)"
  mvnw package jib:dockerBuild || die "Jib build failed"
  if $aot; then
    train_aot_cache "$image" "$build_dir/aot"
    # The jar is the one built above.
    if [[ -s $build_dir/aot/app.aot ]]; then
      mvnw jib:dockerBuild "-Daot.options=-XX:AOTCache=$AOT_CACHE_IN_IMAGE $SPRING_AOT" \
        || die "Jib build (with the ahead-of-time cache) failed"
    fi
  fi
  log "built $(docker images --format '{{.Repository}}:{{.Tag}} ({{.Size}})' "$(maven_arg image.name web)" | paste -sd ' ' -)"
}

main "$@"

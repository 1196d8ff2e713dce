#!/usr/bin/env bash
# Builds the service image with Jib into the local Docker daemon: web:<version> and web:latest,
# on the project's own base (local/jre:25, made by deploy/setup.sh), so no registry is needed.
#
# Then a training run of that image records what the JVM loads and links at start-up, and the
# method profiles, into an ahead-of-time cache (Java 25, JEP 483/514/515: -XX:AOTCacheOutput,
# with Spring's -Dspring.context.exit=onRefresh), and the image is built again with the cache in
# /app/aot (see pom.xml, aot.options). --no-aot skips that: the image then starts slower.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/java.sh"

usage() {
  cat <<USAGE
usage: $0 [--no-aot] [-Dname=value...]
  e.g. $0 -Drevision=2.0.0 -Dimage.extra.tag=2.0.0   builds web:2.0.0
  -Dbuild.dir=DIR builds in DIR instead of target/ (another version next to the current build)
  -Djib.from.image=... another base image (it must carry the consul binary)
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
# be made by the same JVM, flags and class path), creates its context (every bean, both web
# servers), and the JVM writes the cache as it exits. Nothing is registered (no network).
train_aot_cache() {
  local image=$1 cache_dir=$2 tmp
  tmp=$(mktemp -d) && chmod 777 "$tmp"
  log "training run for the ahead-of-time cache"
  if docker run --rm --network none -v "$tmp:/aot" \
       -e "JDK_JAVA_OPTIONS=-XX:AOTCacheOutput=/aot/app.aot $SPRING_AOT -Dspring.context.exit=onRefresh" \
       "$image" >"$tmp/training.log" 2>&1 && [[ -s $tmp/app.aot ]]; then
    cp "$tmp/app.aot" "$cache_dir/app.aot"
  else
    warn "the training run made no cache (see below); the image is built without one"
    tail -n 5 "$tmp/training.log" >&2
  fi
  rm -rf "$tmp"
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
  mkdir -p "$build_dir/aot"
  rm -f "$build_dir/aot/app.aot"
  log "building $image with Jib (JDK $JAVA_HOME)"
  mvnw package jib:dockerBuild || die "Jib build failed"
  if $aot; then
    train_aot_cache "$image" "$build_dir/aot"
    # initialize: git-commit-id sets the revision label; the jar is the one built above.
    if [[ -s $build_dir/aot/app.aot ]]; then
      mvnw initialize jib:dockerBuild "-Daot.options=-XX:AOTCache=$AOT_CACHE_IN_IMAGE $SPRING_AOT" \
        || die "Jib build (with the ahead-of-time cache) failed"
    fi
  fi
  log "built $(docker images --format '{{.Repository}}:{{.Tag}} ({{.Size}})' "$(maven_arg image.name web)" | paste -sd ' ' -)"
}

main "$@"

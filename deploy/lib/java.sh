# Finds a JDK for Maven (sourced; sets and exports JAVA_HOME). The service compiles for Java 21
# (pom.xml <java.version>); its image carries its own Java 25 runtime, so the JDK on this machine
# only builds. Looked for in this order: $JAVA_HOME, `javac` on PATH, then the JDKs installed
# under $JDK_DIR (Debian's and Temurin's packages install there; the tests point it elsewhere).

JAVA_MIN_VERSION=21
JDK_DIR=${JDK_DIR:-/usr/lib/jvm}

# The feature version of the JDK in a directory (e.g. 25), or nothing if it is not a JDK.
jdk_version() {
  local home=$1
  [[ -x $home/bin/java && -x $home/bin/javac ]] || return 0
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F' = ' '/^ *java.specification.version = / {print $2}'
}

# Prints the first JDK >= JAVA_MIN_VERSION among the candidates; when there is none, prints the
# older JDKs it saw ("home (version)", for the error message) and fails.
find_jdk() {
  local candidates=() older=() home version
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in "$JDK_DIR"/*; do [[ -d $home ]] && candidates+=("$home"); done
  local -A seen=()
  for home in "${candidates[@]}"; do
    # The same JDK under several names (javac's alternative, default-java, symlinks) is one JDK.
    home=$(readlink -f "$home")
    [[ -z ${seen[$home]:-} ]] || continue
    seen[$home]=1
    version=$(jdk_version "$home")
    [[ $version =~ ^[0-9]+$ ]] || continue
    if ((version >= JAVA_MIN_VERSION)); then
      echo "$home"
      return 0
    fi
    older+=("$home ($version)")
  done
  local joined; printf -v joined '%s, ' "${older[@]}"
  echo "${joined%, }"
  return 1
}

use_jdk() {
  local home
  home=$(find_jdk) || die "no JDK >= $JAVA_MIN_VERSION found (looked at \$JAVA_HOME, javac on PATH and $JDK_DIR/*${home:+; too old: $home}): install one, e.g. 'apt-get install openjdk-${JAVA_MIN_VERSION}-jdk-headless' or Temurin ${JAVA_MIN_VERSION}+, or set JAVA_HOME"
  export JAVA_HOME=$home
  # JDK 24+ warns about sun.misc.Unsafe used by Maven's own libraries; the flag exists from 23.
  if (($(jdk_version "$home") >= 23)); then
    export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
  fi
}

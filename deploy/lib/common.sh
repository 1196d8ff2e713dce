# Shared helpers for the deploy/ scripts: progress lines, errors, waiting.
# Sourced, not executed.

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARN: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --- arguments: every script checks all of them before it does anything ----------------------

# bad_args MESSAGE: the calling script's usage (if it defines one) and MESSAGE on stderr, exit 2.
bad_args() {
  if declare -F usage >/dev/null; then usage >&2; fi
  printf 'ERROR: %s\n' "$*" >&2
  exit 2
}

# needs_value "$@", in the case branch of an option that takes a value: there is one, and it is
# not the next option (`--replicas --build`).
needs_value() { (($# > 1)) && [[ -n $2 && $2 != -* ]] || bad_args "$1 needs a value"; }

# positive_int NAME VALUE [MAX [WHY]]: VALUE is a whole number from 1 (to MAX) in plain decimal:
# no sign, no unit, no leading zero (bash arithmetic would read 010 as octal 8).
positive_int() {
  local name=$1 value=$2 max=${3:-} why=${4:-}
  if [[ $value =~ ^[1-9][0-9]{0,8}$ ]] && { [[ -z $max ]] || ((value <= max)); }; then return 0; fi
  local range="1 or more"
  [[ -z $max ]] || range="from 1 to $max"
  bad_args "$name must be a whole number $range${why:+ ($why)}, got '$value'"
}

# wait_until SECONDS COMMAND...: re-run COMMAND once a second until it succeeds; fails (status 1)
# when it has not within SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 1
  done
}

# wait_for SECONDS DESCRIPTION COMMAND...: wait_until, or stop with what was waited for.
wait_for() {
  wait_until "$1" "${@:3}" || die "timed out after ${1}s waiting for ${2}"
}

# apt-get that waits for the dpkg lock instead of failing when another install runs.
apt_get() {
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -o DPkg::Lock::Timeout=300 -y -q "$@"
}

# The repository root, whatever the caller's working directory.
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export REPO_ROOT

# --- facts about the stack that several scripts share -----------------------------------------

STACK=${STACK:-web}
# Contract: `docker stack deploy` labels every object of the stack with its name (services,
# containers, configs, secrets, networks); this filter selects them.
STACK_FILTER="label=com.docker.stack.namespace=$STACK"
STACK_FILE=$REPO_ROOT/deploy/docker-stack.yml
# The system's secrets, on the swarm manager (deploy/secrets.sh): root only, never in git.
SECRETS_DIR=${SECRETS_DIR:-/var/lib/swarmweb/secrets}
export SECRETS_DIR
# The published ports of HAProxy (deploy/docker-stack.yml).
PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:8080}
OPERATOR_URL=${OPERATOR_URL:-http://127.0.0.1:8404}
OPERATOR_USER=operator
# The Consul image (deploy/images/consul.sh builds it): the servers, and every throwaway `consul`
# the scripts run. docker-stack.yml names it too (a stack file reads no shell).
CONSUL_IMAGE=local/consul:1.8.7
# dockerd's own configuration file, pid file and socket (their default paths).
DOCKERD_CONFIG=/etc/docker/daemon.json
DOCKERD_PIDFILE=/var/run/docker.pid
DOCKERD_SOCKET=/var/run/docker.sock

# userland_proxy [PIDFILE [CONFIG]]: "on" or "off", the userland-proxy setting of the engine behind
# the default socket (on: a docker-proxy process copies the host's own connections to a published
# port, such as 127.0.0.1:8080; off: the kernel forwards them). setup.sh starts the engine with it
# off unless daemon.json sets it. Read from that dockerd's command line (the last --userland-proxy
# counts), then its configuration file, else Docker's default (on). "unknown" when DOCKER_HOST
# names another engine, when no running dockerd is found through the pid file, or for a value
# dockerd would refuse. PIDFILE and CONFIG: another engine's files (UserlandProxyTest's made-up
# one). The benchmark and the system tests' reports say which setting they ran with.
userland_proxy() {
  local pidfile=${1:-$DOCKERD_PIDFILE} config=${2:-$DOCKERD_CONFIG} pid arg previous='' value='' args=()
  if [[ -n ${DOCKER_HOST:-} ]] && ! [[ $DOCKER_HOST == unix://* && ${DOCKER_HOST#unix://} -ef $DOCKERD_SOCKET ]]; then
    echo unknown
    return 0
  fi
  pid=$(cat "$pidfile" 2>/dev/null) && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]] \
    && mapfile -d '' -t args 2>/dev/null <"/proc/$pid/cmdline" || { echo unknown; return 0; }
  for arg in "${args[@]}"; do
    case $arg in
      --userland-proxy) value=true ;;
      --userland-proxy=*) value=${arg#*=}; [[ -n $value ]] || value=empty ;;
      --config-file=*) config=${arg#*=} ;;
    esac
    [[ $previous == --config-file ]] && config=$arg
    previous=$arg
  done
  if [[ -z $value && $(cat "$config" 2>/dev/null) =~ \"userland-proxy\"[[:space:]]*:[[:space:]]*(true|false) ]]; then
    value=${BASH_REMATCH[1]}
  fi
  case ${value:-true} in  # Go's strconv.ParseBool, what dockerd reads a flag with
    1|t|T|true|TRUE|True) echo on ;;
    0|f|F|false|FALSE|False) echo off ;;
    *) echo unknown ;;
  esac
}

# The web replicas of a deploy without --replicas: the stack file's ${WEB_REPLICAS:-N}, the one
# place that number is written.
default_web_replicas() {
  local n; n=$(sed -n 's/^ *replicas: \${WEB_REPLICAS:-\([1-9][0-9]*\)}.*/\1/p' "$STACK_FILE")
  [[ -n $n ]] || die "no 'replicas: \${WEB_REPLICAS:-N}' in $STACK_FILE"
  echo "$n"
}

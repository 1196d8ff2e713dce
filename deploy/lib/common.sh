# Shared helpers for the deploy/ scripts: progress lines, errors, waiting.
# Sourced, not executed.

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARN: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: re-run COMMAND once a second until it succeeds.
wait_for() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "timed out after ${timeout}s waiting for ${what}"
    sleep 1
  done
}

# apt-get that waits for the dpkg lock instead of failing when another install runs.
apt_get() {
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -o DPkg::Lock::Timeout=300 -y -q "$@"
}

# The repository root, whatever the caller's working directory.
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export REPO_ROOT

# --- the stack -------------------------------------------------------------------------------

STACK=${STACK:-web}
STACK_FILE=$REPO_ROOT/deploy/docker-stack.yml

stack_deployed() { docker stack ls --format '{{.Name}}' 2>/dev/null | grep -qx "$STACK"; }

# The stack's network outlives `docker stack rm` by several seconds; a redeploy must wait for it.
network_gone() { ! docker network inspect "${STACK}_backend" >/dev/null 2>&1; }

# The id of one running container of a stack service (consul, web, haproxy), slot optional.
container_of() {
  local service=$1 slot=${2:-}
  docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_${service}" \
    ${slot:+--filter "name=${STACK}_${service}.${slot}."} | head -n 1
}

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

# --- facts about the stack that several scripts share -----------------------------------------

STACK=${STACK:-web}
STACK_FILE=$REPO_ROOT/deploy/docker-stack.yml
# The system's secrets, on the swarm manager (deploy/secrets.sh): root only, never in git.
SECRETS_DIR=${SECRETS_DIR:-/var/lib/swarmweb/secrets}
export SECRETS_DIR
# The published ports of HAProxy (deploy/docker-stack.yml).
PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:8080}
OPERATOR_URL=${OPERATOR_URL:-http://127.0.0.1:8404}
OPERATOR_USER=operator

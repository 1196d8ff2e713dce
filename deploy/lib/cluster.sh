# Settings and helpers of the multi-node swarm on one machine (deploy/cluster.sh,
# deploy/cluster-node.sh). Sourced after common.sh, not executed.
#
# Every node is a network namespace (swc-nN) on the bridge swc-br0 with its own dockerd; the host
# reaches the nodes, and the virtual IP of the balancers, at their addresses on that bridge.

CLUSTER_NODES=3
# A private /24 that collides with nothing on this machine: not the stack's overlay (10.231/16),
# not Docker's 172.17-19, not 10.240/10.241 (used by other test set-ups).
CLUSTER_NET=10.235.0
CLUSTER_BRIDGE=swc-br0
CLUSTER_HOST_ADDR=$CLUSTER_NET.1       # the host's side of the bridge
CLUSTER_VIP=$CLUSTER_NET.100           # the balancers' virtual IP (keepalived, docker-stack.vip.yml)
# Engines' data (images, swarm state, logs) and their sockets/runtime files.
CLUSTER_DIR=${CLUSTER_DIR:-/var/lib/swc-cluster}
CLUSTER_RUN=/run/swc-cluster
# cgroup v1 hierarchies that hold a node's engine (dockerd, containerd, shims) next to its
# containers (--cgroup-parent): one place to count and to kill everything of a node.
CLUSTER_CGROUPS=(memory cpuacct pids freezer)
VIP_STACK=${STACK}-vip
VIP_STACK_FILE=$REPO_ROOT/deploy/docker-stack.vip.yml
# What changes in the stack on several nodes: two balancers that bind their ports themselves.
MULTI_NODE_STACK_FILE=$REPO_ROOT/deploy/docker-stack.multi-node.yml

# Every image the two stack files run (`image:` lines, ${VAR:-default} expanded; the multi-node
# overlay names none), loaded into each
# node (no registry): the stack files are the one list.
stack_images() {
  local ref var
  awk '$1 == "image:" {gsub(/"/, "", $2); print $2}' "$STACK_FILE" "$VIP_STACK_FILE" | while read -r ref; do
    if [[ $ref =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*):-(.*)\}$ ]]; then
      var=${BASH_REMATCH[1]}; echo "${!var:-${BASH_REMATCH[2]}}"
    else
      echo "$ref"
    fi
  done | sort -u
}

node_name() { echo "swc-n$1"; }
node_addr() { echo "$CLUSTER_NET.$((10 + $1))"; }
node_run()  { echo "$CLUSTER_RUN/n$1"; }
node_dir()  { echo "$CLUSTER_DIR/n$1"; }
node_sock() { echo "unix://$(node_run "$1")/docker.sock"; }
# ndocker N ARGS...: the docker client against node N's engine.
ndocker()   { local n=$1; shift; DOCKER_HOST=$(node_sock "$n") docker "$@"; }
# tndocker SECONDS N ARGS...: the same, given up after SECONDS. A manager call waits while the
# swarm has no leader; anything that watches a cluster under failure must not.
tndocker()  { local t=$1 n=$2; shift 2; timeout "$t" env DOCKER_HOST="$(node_sock "$n")" docker "$@"; }
node_answers() { ndocker "$1" info >/dev/null 2>&1; }
# Whether the swarm has a leader (a manager's `node ls` answers). After a manager's crash and
# return, the swarm's own raft took up to ~50 s to elect one here (docs/multi-node-notes.md).
swarm_has_leader() {
  local n; for n in $(node_nums); do
    tndocker 5 "$n" node ls >/dev/null 2>&1 && return 0
  done
  return 1
}
# Whether every node is Ready and every manager Leader or Reachable, as each node's engine sees it.
swarm_whole() {
  local n; for n in $(node_nums); do
    tndocker 5 "$n" node ls --format '{{.Status}} {{.ManagerStatus}}' 2>/dev/null |
      awk -v want="$CLUSTER_NODES" '$1 == "Ready" && ($2 == "Leader" || $2 == "Reachable") {ok++} END {exit ok != want}' \
      || return 1
  done
}
# A manager that has just come back (a crashed node restarted) can call an election well after
# its engine answers (docs/multi-node-notes.md, pitfall 7): every swarm command fails until the
# managers elect a leader again. So the swarm must have been whole for this long in a row, longer
# than the swarm's raft election timeout (10 s), before anything is deployed.
SWARM_SETTLE_S=20

wait_swarm_settled() {
  local timeout=$1 deadline=$((SECONDS + $1)) since=''
  log "waiting for the swarm to be whole for $SWARM_SETTLE_S s in a row (nodes Ready, managers reachable)"
  until [[ -n $since ]] && ((SECONDS - since >= SWARM_SETTLE_S)); do
    (( SECONDS < deadline )) || die "timed out after ${timeout}s waiting for the swarm to be whole and settled (deploy/cluster.sh status)"
    sleep 1
    if swarm_whole; then since=${since:-$SECONDS}; else since=''; fi
  done
}

node_pid() { cat "$(node_run "$1")/docker.pid" 2>/dev/null || true; }
node_nums() { seq 1 "$CLUSTER_NODES"; }

# Every process of node N: its engine and its containers (cgroup swc-nN, all levels).
node_pids() {
  local dir=/sys/fs/cgroup/pids/$(node_name "$1")
  [[ -d $dir ]] || return 0
  # Cgroups come and go while find walks them: its complaints are no failure.
  { find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null || true; } | sort -un
}

#!/usr/bin/env bash
# One node of the multi-node swarm on this machine (deploy/cluster.sh uses it; failure drills too):
#
#   start N   network namespace swc-nN on the bridge, its own dockerd; a node that was in the
#             swarm rejoins it by itself (its swarm state is in its data root)
#   stop N    orderly: containers killed, dockerd stopped with SIGTERM, namespace removed
#   kill N    a crash: the node's link is cut, then every process of the node (engine and
#             containers) gets SIGKILL at once; namespace removed. `start N` is its reboot.
#
# The engine runs in the node's network namespace and in its own mount and UTS namespaces
# (hostname swc-nN, a sysfs that shows the namespace's interfaces, its mounts invisible to the
# host), with its own data root, exec root, socket and cgroup parent: it never meets the host's
# engine. Its iptables rules live in the node's namespace.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/cluster.sh"

usage() {
  cat <<USAGE
usage: $0 start|stop|kill N
  N: 1..$CLUSTER_NODES. The bridge $CLUSTER_BRIDGE must exist (deploy/cluster.sh up makes it).
USAGE
}

ensure_netns() {
  local n=$1 ns; ns=$(node_name "$n")
  if ip netns list | grep -qw "^$ns"; then return; fi
  log "$ns: network namespace, $(node_addr "$n")/24 on $CLUSTER_BRIDGE"
  ip netns add "$ns"
  # The pair is made with its node end already inside the namespace, as the node's eth0.
  ip link add "${ns}h" type veth peer name eth0 netns "$ns"
  ip link set "${ns}h" master "$CLUSTER_BRIDGE" up
  ip -n "$ns" addr add "$(node_addr "$n")/24" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
}

ensure_cgroups() {
  local n=$1 h
  for h in "${CLUSTER_CGROUPS[@]}"; do mkdir -p "/sys/fs/cgroup/$h/$(node_name "$n")/engine"; done
}

# Runs inside the node's new mount+UTS namespaces: a sysfs of the node's network namespace
# (dockerd reads interfaces there) with the host's cgroup mounts kept under it, the node's
# hostname, the engine's cgroups; then dockerd.
# shellcheck disable=SC2016
ENGINE_INIT='
set -e
ns=$1 dir=$2; shift 2
mkdir -p "$dir/cgroup-keep"
mount --rbind /sys/fs/cgroup "$dir/cgroup-keep"
mount -t sysfs sysfs /sys
mount --move "$dir/cgroup-keep" /sys/fs/cgroup
hostname "$ns"
for h in '"${CLUSTER_CGROUPS[*]}"'; do echo $$ >"/sys/fs/cgroup/$h/$ns/engine/cgroup.procs"; done
exec "$@"'

start_engine() {
  local n=$1 ns dir run; ns=$(node_name "$n"); dir=$(node_dir "$n"); run=$(node_run "$n")
  if node_answers "$n"; then log "$ns: engine answers"; return; fi
  local pid; pid=$(node_pid "$n")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && die "$ns: dockerd (pid $pid) runs but does not answer; see $dir/dockerd.log"
  mkdir -p "$dir" "$run"
  [[ -f $dir/daemon.json ]] || echo '{}' >"$dir/daemon.json"   # never the host's /etc/docker/daemon.json
  ensure_cgroups "$n"
  log "$ns: starting dockerd (log: $dir/dockerd.log)"
  # No registry is reachable: prefer local images, or every task waits ~20 s on a lookup.
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nohup \
    nsenter --net="/run/netns/$ns" -- unshare --mount --uts --propagation private -- \
    bash -c "$ENGINE_INIT" engine-init "$ns" "$dir" \
    dockerd --data-root "$dir/docker" --exec-root "$run" --pidfile "$run/docker.pid" \
      -H "$(node_sock "$n")" --config-file "$dir/daemon.json" --cgroup-parent "/$ns" \
      --bridge=none --shutdown-timeout 10 --log-level warn \
    >>"$dir/dockerd.log" 2>&1 </dev/null &
  wait_for 60 "$ns: dockerd to answer (see $dir/dockerd.log)" node_answers "$n"
}

# Cuts the node's wire: its end on the host's bridge. Deleting the namespace removes it too, a
# moment later; already gone is fine (a check-then-delete lost that race: "Cannot find device").
delete_host_link() {
  local link; link=$(node_name "$1")h
  ip link delete "$link" 2>/dev/null || ! ip link show "$link" >/dev/null 2>&1
}

# Removes the namespace (the node's eth0 and the bridge port go with it), the engine's runtime
# files (a reboot empties /run) and the empty cgroups. The data root stays.
remove_node_state() {
  local n=$1 ns h; ns=$(node_name "$n")
  rm -rf "$(node_run "$n")"
  ip netns list | grep -qw "^$ns" && ip netns delete "$ns"
  delete_host_link "$n"
  # Every hierarchy: runc made the containers' cgroups under /swc-nN in all of them.
  for h in /sys/fs/cgroup/*/"$ns"; do
    [[ -d $h ]] && find "$h" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}

no_pids() { [[ -z $(node_pids "$1") ]]; }
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

stop_node() {
  local n=$1 ns pid; ns=$(node_name "$n"); pid=$(node_pid "$n")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    # The cluster is being taken apart: no task needs a graceful stop. Killing the containers
    # first spares dockerd the stop_grace_period of each (40 s for web).
    local containers; containers=$(find "/sys/fs/cgroup/pids/$ns" -mindepth 2 -name cgroup.procs \
      ! -path "*/engine/*" -exec cat {} + 2>/dev/null || true)
    [[ -z $containers ]] || kill -KILL $containers 2>/dev/null || true
    log "$ns: stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true   # it may have just exited
    wait_for 60 "$ns: dockerd to exit" pid_gone "$pid"
  fi
  # containerd and shims follow dockerd; whatever is left goes now.
  local rest; rest=$(node_pids "$n")
  [[ -z $rest ]] || kill -KILL $rest 2>/dev/null || true
  wait_for 30 "$ns: its last processes to exit" no_pids "$n"
  remove_node_state "$n"
  log "$ns: stopped"
}

kill_node() {
  local n=$1 ns; ns=$(node_name "$n")
  # First the wire (a dead machine sends nothing, not even a RST), then every process at once.
  delete_host_link "$n"
  local pids; pids=$(node_pids "$n")
  [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
  log "$ns: killed ($(wc -w <<<"$pids") processes)"
  wait_for 30 "$ns: its processes to die" no_pids "$n"
  remove_node_state "$n"
}

main() {
  [[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
  (($# == 2)) || bad_args "two arguments: an action and a node number, got: $*"
  local action=$1 n=$2
  case $action in start|stop|kill) ;; *) bad_args "unknown action: $action" ;; esac
  positive_int N "$n" "$CLUSTER_NODES"
  [[ $EUID -eq 0 ]] || die "run as root: it creates network namespaces and starts dockerd"
  case $action in
    start)
      ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1 || die "no bridge $CLUSTER_BRIDGE: run deploy/cluster.sh up"
      ensure_netns "$n"; start_engine "$n" ;;
    stop) stop_node "$n" ;;
    kill) kill_node "$n" ;;
  esac
}

main "$@"

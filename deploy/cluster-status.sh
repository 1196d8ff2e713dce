#!/usr/bin/env bash
# cluster-status.sh: what the 3-node swarm of deploy/cluster.sh is doing, for operators (also
# `deploy/cluster.sh status`): its nodes and services, which node runs which task, which node holds
# the balancers' virtual IP, and what each node costs (memory, CPU). Only reads; asks the first
# node whose engine answers.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/cluster.sh"

usage() { echo "usage: $0"; }

# Memory (RSS + page cache) and CPU time of everything of a node: engine and containers.
node_cost() {
  local ns; ns=$(node_name "$1")
  local stat=/sys/fs/cgroup/memory/$ns/memory.stat cpu=/sys/fs/cgroup/cpuacct/$ns/cpuacct.usage
  [[ -r $stat ]] || { echo "$ns: not running"; return; }
  awk -v ns="$ns" -v cpu="$(cat "$cpu")" -v eng="$(awk '$1 == "total_rss" {print $2}' "/sys/fs/cgroup/memory/$ns/engine/memory.stat")" \
    '$1 == "total_rss" {rss = $2} $1 == "total_cache" {cache = $2}
     END {printf "%s: rss %d MiB (engine %d MiB), page cache %d MiB, cpu %.0f s since start\n", ns, rss/2^20, eng/2^20, cache/2^20, cpu/1e9}' "$stat"
}

vip_holder() {
  local n; for n in $(node_nums); do
    ip netns list | grep -qw "^$(node_name "$n")" || continue
    ip -n "$(node_name "$n")" -4 -o addr show to "$CLUSTER_VIP/32" | grep -q . && echo "VIP $CLUSTER_VIP is on $(node_name "$n")"
  done
  return 0
}

main() {
  case ${1:-} in
    -h|--help) usage; return ;;
    '') ;;
    *) bad_args "unknown argument: $1" ;;
  esac
  [[ $EUID -eq 0 ]] || die "run as root: it reads the nodes' network namespaces and cgroups"
  local m='' n
  for n in $(node_nums); do node_answers "$n" && { m=$n; break; }; done
  [[ -n $m ]] || { log "no node answers (deploy/cluster.sh up)"; return 0; }
  ndocker "$m" node ls
  echo; ndocker "$m" service ls
  local services; services=$(ndocker "$m" service ls -q)
  # shellcheck disable=SC2086
  [[ -z $services ]] || { echo; ndocker "$m" service ps -f desired-state=running \
    --format 'table {{.Name}}\t{{.Node}}\t{{.CurrentState}}' $services; }
  echo
  vip_holder
  for n in $(node_nums); do node_cost "$n"; done
}

main "$@"

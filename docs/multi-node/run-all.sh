#!/usr/bin/env bash
# run-all.sh [--keep]: every multi-node drill, one after the other, as ONE run: builds the cluster
# (deploy/cluster.sh up), runs the drills of DRILLS below under load, writes their raw output and
# the run's metadata to docs/multi-node/runs/RUN-ID/, generates docs/multi-node-report.md from it
# (report.sh), and removes the cluster again unless --keep. About 27 minutes on 2 cores.
# Between two drills the cluster must be whole again (cluster.sh up: all tasks settled, both
# balancers serving every replica, the VIP answering); a drill that leaves it broken stops the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../deploy/lib/common.sh"

# CASE SECONDS: long enough for the event, the recovery and a quiet tail.
DRILLS=(
  "plain-node 120"
  "drain 100"
  "haproxy 40"
  "vip-node 120"
  "haproxy-reload 40"
  "haproxy-update 200"
  "consul-rolling 300"
)

usage() { echo "usage: $0 [--keep]   (--keep: leave the cluster running afterwards)"; }

main() {
  local keep=false
  while (($#)); do
    case $1 in
      --keep) keep=true ;;
      -h|--help) usage; exit 0 ;;
      *) bad_args "unknown argument: $1" ;;
    esac
    shift
  done
  [[ $EUID -eq 0 ]] || die "run as root: the cluster's nodes are network namespaces"
  local tool; for tool in gnuplot jq; do
    command -v "$tool" >/dev/null || die "$tool is missing (the report needs it): apt-get install $tool"
  done
  local run_id; run_id=multinode-$(date -u +%Y%m%dT%H%M%SZ)
  local dir=$here/runs/$run_id
  mkdir -p "$dir"
  log "run $run_id: building the cluster"
  "$REPO_ROOT/deploy/cluster.sh" up 2>&1 | tee "$dir/cluster-up.txt" >&2
  RUN_ID=$run_id "$REPO_ROOT/deploy/bench/run-info.sh" >"$dir/run.json"
  local drill i=0
  for drill in "${DRILLS[@]}"; do
    i=$((i + 1))
    log "drill $i/${#DRILLS[@]}: $drill"
    # shellcheck disable=SC2086  # CASE SECONDS
    DRILL_OUT=$dir "$here/drill.sh" $drill || warn "a step of '$drill' failed: the report marks it NOT met"
    # cluster.sh up waits for the swarm's leader itself, then for every task and both balancers.
    log "waiting until the cluster is whole again"
    "$REPO_ROOT/deploy/cluster.sh" up --timeout 300 >>"$dir/cluster-up.txt" 2>&1 \
      || die "the cluster did not recover after '$drill' (see $dir/cluster-up.txt)"
  done
  "$REPO_ROOT/deploy/cluster.sh" status >"$dir/cluster-status.txt" 2>&1 || true
  "$here/report.sh" "$dir"
  $keep || "$REPO_ROOT/deploy/cluster.sh" down
}

main "$@"

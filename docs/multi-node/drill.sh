#!/usr/bin/env bash
# drill.sh CASE [SECONDS [NODE]]: one drill on the cluster of deploy/cluster.sh, under the bounded
# load of probe.sh against the VIP; raw output in $DRILL_OUT/CASE-<time>.txt (default raw/).
#
#   haproxy         SIGKILL the HAProxy container on the node that holds the VIP
#   vip-node        crash the node that holds the VIP (deploy/cluster-node.sh kill), bring it back later
#   plain-node      crash a node that runs no HAProxy (or NODE), bring it back later
#   drain           drain a node that runs no HAProxy (or NODE), then make it active again
#   haproxy-reload  publish a changed HAProxy configuration (deploy/haproxy-config.sh): both reload
#   haproxy-update  docker service update --force web_haproxy (what an HAProxy upgrade does)
#   consul-rolling  docker service update --force web_consul (a Consul upgrade or config change)
# PROBE_TIMEOUT: the client's timeout per request (default 10 s: HAProxy's `timeout server` is 6 s,
# after which it retries a request stuck on a dead node elsewhere).
#
# A monitor line per second: VIP holder, nodes, web servers UP in each HAProxy, Consul leader.
# Measurement tooling, not a test: it records, docs/multi-node/report.sh judges.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../deploy/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"
source "$REPO_ROOT/deploy/lib/cluster.sh"

CASES="haproxy|vip-node|plain-node|drain|haproxy-reload|haproxy-update|consul-rolling"
usage() { echo "usage: $0 $CASES [SECONDS (20..300, default 90) [NODE (1..$CLUSTER_NODES)]]"; }

case=${1:-} seconds=${2:-90} node=${3:-}
[[ $case == -h || $case == --help ]] && { usage; exit 0; }
[[ "|$CASES|" == *"|$case|"* ]] || bad_args "unknown drill: '${case}'"
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds >= 20 && seconds <= 300)) || bad_args "SECONDS must be 20..300, not '$seconds'"
[[ -z $node ]] || { [[ $node =~ ^[1-9]$ ]] && ((node <= CLUSTER_NODES)); } || bad_args "NODE must be 1..$CLUSTER_NODES, not '$node'"
[[ $EUID -eq 0 ]] || die "run as root: the nodes are network namespaces"
out_dir=${DRILL_OUT:-$here/raw}
mkdir -p "$out_dir"
out=$out_dir/$case-$(date +%H%M%S).txt
export PROBE_TIMEOUT=${PROBE_TIMEOUT:-10}
ms() { echo $(( $(date +%s%N) / 1000000 )); }

vip_holder() {
  local n; for n in $(node_nums); do
    ip -n "$(node_name "$n")" -4 -o addr show to "$CLUSTER_VIP/32" 2>/dev/null | grep -q . && { echo "n$n"; return; }
  done; echo none
}
live_node() { local n; for n in $(node_nums); do node_answers "$n" && { echo "$n"; return; }; done; }
haproxy_nodes() { ndocker "$(live_node)" service ps -f desired-state=running --format '{{.Node}}' "${STACK}_haproxy" | sed 's/swc-n//' | sort | xargs; }
# Where each running task is: "web.1@n2 consul.3@n1 ...".
placement() {
  local m; m=$(live_node)
  tndocker 2 "$m" service ps -f desired-state=running --format '{{.Name}}@{{.Node}}' \
    $(tndocker 2 "$m" service ls -q) 2>/dev/null | sed "s/^${STACK}-vip_//; s/^${STACK}_//; s/@swc-/@/" | sort | xargs
}
a_node_without_haproxy() { local n hp; hp=" $(haproxy_nodes) "; for n in $(node_nums); do [[ $hp == *" $n "* ]] || { echo "$n"; return; }; done; }
node_runs_web() { [[ -n $(ndocker "$(live_node)" service ps -q -f desired-state=running -f "node=$(node_name "$1")" "${STACK}_web") ]]; }
update_done() { [[ $(ndocker "$(live_node)" service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$1") == completed ]]; }

monitor() {
  local t0=$1 end=$(( $(date +%s) + seconds )) m a nodes ups leader
  while (( $(date +%s) < end )); do
    m=$(live_node) ups="" leader=""
    nodes=$(tndocker 2 "$m" node ls --format '{{.Hostname}}={{.Status}}/{{.Availability}}/{{.ManagerStatus}}' 2>/dev/null | sed 's/swc-//' | sort | xargs)
    for a in $(node_nums); do
      a=$(node_addr "$a")
      # A node without a balancer (or a dead one) counts 0.
      ups+="$(OPERATOR_URL=http://$a:8404 OPERATOR_TIMEOUT=0.5 haproxy_servers_up || true),"
      # 2 s: HAProxy may first try a dead Consul server (connect timeout 0.5 s), then another.
      [[ -n $leader ]] || leader=$(operator_curl -m 2 "http://$a:8404/v1/status/leader" 2>/dev/null | tr -d '"')
    done
    echo "MON t=$(( $(ms) - t0 )) vip=$(vip_holder) nodes=[$nodes] up_per_node=[${ups%,}] leader=${leader:-none}"
    sleep 1
  done
}

# step T0 WHAT COMMAND...: one action of a drill. A failure is recorded as "EVENT ... FAILED:";
# the drill then exits 1 at its end and report.sh marks it NOT met.
step() {
  local t0=$1 what=$2 rc=0; shift 2
  "$@" || rc=$?
  ((rc == 0)) || echo "EVENT t=$(( $(ms) - t0 )) FAILED: $what (exit $rc)"
}
crash_node() { "$REPO_ROOT/deploy/cluster-node.sh" "$1" "$2" 2>&1 | sed 's/^/NODE /'; }
publish_config() { DOCKER_HOST=$(node_sock "$(live_node)") "$REPO_ROOT/deploy/haproxy-config.sh" "$1" 2>&1 | sed 's/^/CONFIG /'; }

# The event of the drill, on node N where it needs one; prints EVENT lines.
act() {
  local t0=$1 n c cfg state
  case $case in
    haproxy)
      n=$(vip_holder); n=${n#n}
      c=$(ndocker "$n" ps -q --filter "label=com.docker.swarm.service.name=${STACK}_haproxy")
      echo "EVENT t=$(( $(ms) - t0 )) docker kill haproxy $c on n$n"
      step "$t0" "docker kill haproxy" ndocker "$n" kill "$c" >/dev/null ;;
    vip-node|plain-node)
      if [[ $case == vip-node ]]; then n=$(vip_holder); n=${n#n}; else n=${node:-$(a_node_without_haproxy)}; fi
      echo "EVENT t=$(( $(ms) - t0 )) crash node n$n"
      step "$t0" "crash of node n$n" crash_node kill "$n"
      echo "EVENT t=$(( $(ms) - t0 )) crash done"
      sleep $(( seconds / 2 ))
      echo "EVENT t=$(( $(ms) - t0 )) restart node n$n"
      step "$t0" "restart of node n$n" crash_node start "$n"
      echo "EVENT t=$(( $(ms) - t0 )) node n$n engine answers" ;;
    drain)
      n=${node:-$(a_node_without_haproxy)}
      echo "EVENT t=$(( $(ms) - t0 )) drain n$n"
      step "$t0" "drain n$n" ndocker "$(live_node)" node update --availability drain "$(node_name "$n")" >/dev/null
      sleep $(( seconds / 2 ))
      echo "EVENT t=$(( $(ms) - t0 )) activate n$n"
      step "$t0" "activate n$n" ndocker "$(live_node)" node update --availability active "$(node_name "$n")" >/dev/null ;;
    haproxy-reload)
      cfg=$(mktemp /tmp/haproxy-drill.XXXXXX.cfg)
      { cat "$REPO_ROOT/haproxy/haproxy.cfg"; echo "# drill: configuration change $(date -u +%FT%TZ)"; } >"$cfg"
      # The check runs as HAProxy's user in its image: the file must be readable by it.
      chmod 644 "$cfg"
      echo "EVENT t=$(( $(ms) - t0 )) publish a changed haproxy.cfg (deploy/haproxy-config.sh)"
      step "$t0" "publishing the configuration" publish_config "$cfg"
      rm -f "$cfg"
      echo "EVENT t=$(( $(ms) - t0 )) published" ;;
    haproxy-update|consul-rolling)
      local service=${STACK}_haproxy; [[ $case == consul-rolling ]] && service=${STACK}_consul
      echo "EVENT t=$(( $(ms) - t0 )) docker service update --force $service"
      step "$t0" "docker service update" ndocker "$(live_node)" service update --force --detach=true "$service" >/dev/null
      local until=$(( SECONDS + seconds - 15 ))
      while ((SECONDS < until)) && ! update_done "$service"; do sleep 1; done
      state=$(ndocker "$(live_node)" service inspect -f '{{.UpdateStatus.State}}' "$service" || echo unknown)
      echo "EVENT t=$(( $(ms) - t0 )) update state: $state"
      [[ $state == completed ]] || echo "EVENT t=$(( $(ms) - t0 )) FAILED: the update did not complete within the drill" ;;
  esac
}

# A node crash without a web task on it would test little: spread the replicas first.
if [[ $case == plain-node && -z $node ]] && ! node_runs_web "$(a_node_without_haproxy)"; then
  log "node n$(a_node_without_haproxy) (no balancer) runs no web task: spreading the web replicas over the nodes first"
  ndocker "$(live_node)" service update --force --detach=false --quiet "${STACK}_web" >/dev/null
fi

{
  t0=$(ms)
  echo "# drill $case, $(date -u +%FT%TZ), t in ms since $t0; VIP $CLUSTER_VIP; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$here/probe.sh" "http://$CLUSTER_VIP:8080/status" "$seconds" 20 | sed -u "s/^/PROBE /" &
  probe=$!
  monitor "$t0" &
  mon=$!
  sleep 5
  echo "EVENT t=$(( $(ms) - t0 )) before: vip on $(vip_holder), haproxy on nodes $(haproxy_nodes)"
  echo "PLACEMENT before: $(placement)"
  act "$t0"
  wait "$probe" "$mon"
  swarm_has_leader || { echo "EVENT t=$(( $(ms) - t0 )) the swarm has no leader: waiting for one"
    wait_for 300 "the swarm to elect a leader" swarm_has_leader
    echo "EVENT t=$(( $(ms) - t0 )) the swarm has a leader again"; }
  echo "EVENT t=$(( $(ms) - t0 )) end: vip on $(vip_holder), haproxy on nodes $(haproxy_nodes)"
  echo "PLACEMENT end: $(placement)"
  DOCKER_HOST=$(node_sock "$(live_node)") "$REPO_ROOT/deploy/consul.sh" operator raft list-peers 2>&1 | sed 's/^/RAFT /'
} 2>&1 | tee "$out" | grep -E '^(EVENT|PROBE SUMMARY|NODE|PLACEMENT)' || true
echo "raw: $out"
! grep -q '^EVENT t=[0-9]* FAILED: ' "$out" || die "a step of the drill failed (EVENT ... FAILED in $out)"

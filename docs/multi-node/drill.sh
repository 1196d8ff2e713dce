#!/usr/bin/env bash
# drill.sh CASE [SECONDS [NODE]]: one failure drill on the cluster of deploy/cluster.sh, under the bounded
# load of probe.sh against the VIP; raw output in docs/multi-node/raw/CASE-<time>.txt.
#
#   haproxy     SIGKILL the HAProxy container on the node that holds the VIP
#   vip-node    crash the node that holds the VIP (deploy/cluster-node.sh kill), bring it back later
#   plain-node  crash a node that runs no HAProxy (or NODE), bring it back later
#   drain       drain a node that runs no HAProxy (or NODE) (docker node update --availability
#               drain), then make it active again
# PROBE_TIMEOUT: the client's timeout per request (default 1 s).
#
# A monitor line per second: VIP holder, nodes, running tasks per node, web servers UP in each
# HAProxy, Consul leader. Measurement tooling, not a test: it prints, it does not judge.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../deploy/lib/common.sh"
source "$here/../../deploy/lib/cluster.sh"

case=${1:-} seconds=${2:-90} node=${3:-}
case $case in haproxy|vip-node|plain-node|drain) ;; *) echo "usage: $0 haproxy|vip-node|plain-node|drain [SECONDS]" >&2; exit 2 ;; esac
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds >= 20 && seconds <= 300)) || { echo "SECONDS: 20..300" >&2; exit 2; }
[[ -z $node || $node =~ ^[1-3]$ ]] || { echo "NODE: 1..3" >&2; exit 2; }
out=$here/raw/$case-$(date +%H%M%S).txt
mkdir -p "$here/raw"
ms() { echo $(( $(date +%s%N) / 1000000 )); }

vip_holder() {
  local n; for n in $(node_nums); do
    ip -n "$(node_name "$n")" -4 -o addr show to "$CLUSTER_VIP/32" 2>/dev/null | grep -q . && { echo "n$n"; return; }
  done; echo none
}
live_node() { local n; for n in $(node_nums); do node_answers "$n" && { echo "$n"; return; }; done; }
# A swarm without a leader makes `docker node ls` wait: the monitor must not.
tdocker() { timeout 2 env DOCKER_HOST="$(node_sock "$1")" docker "${@:2}"; }
haproxy_nodes() { ndocker "$(live_node)" service ps -f desired-state=running --format '{{.Node}}' web_haproxy | sed 's/swc-n//' | sort | xargs; }

monitor() {
  local t0=$1 end=$(( $(date +%s) + seconds )) m
  while (( $(date +%s) < end )); do
    m=$(live_node)
    local nodes tasks ups="" leader a
    nodes=$(tdocker "$m" node ls --format '{{.Hostname}}={{.Status}}/{{.Availability}}/{{.ManagerStatus}}' 2>/dev/null | sed 's/swc-//' | sort | xargs)
    tasks=$(tdocker "$m" service ps -f desired-state=running --format '{{.Name}}@{{.Node}}:{{.CurrentState}}' \
      web_web web_consul web_haproxy 2>/dev/null | grep -c Running || true)
    for a in $(node_nums); do
      a=$(node_addr "$a")
      ups+="$(curl -fsS -m 0.5 "http://$a:8404/stats;csv" 2>/dev/null | awk -F, '$1 == "web" && $2 ~ /^web[0-9]+$/ && $18 == "UP"' | wc -l),"
      [[ -z ${leader:-} ]] && leader=$(curl -fsS -m 0.5 "http://$a:8404/v1/status/leader" 2>/dev/null | tr -d '"')
    done
    echo "MON t=$(( $(ms) - t0 )) vip=$(vip_holder) nodes=[$nodes] running_tasks=$tasks up_per_node=[${ups%,}] leader=${leader:-none}"
    leader=
    sleep 1
  done
}

{
  t0=$(ms)
  echo "# drill $case, $(date -u +%FT%TZ), t in ms since $t0; VIP $CLUSTER_VIP; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$here/probe.sh" "http://$CLUSTER_VIP:8080/status" "$seconds" 20 | sed -u "s/^/PROBE /" &
  probe=$!
  monitor "$t0" &
  mon=$!
  sleep 5
  holder=$(vip_holder); hp=$(haproxy_nodes)
  echo "EVENT t=$(( $(ms) - t0 )) before: vip on $holder, haproxy on nodes $hp"
  case $case in
    haproxy)
      n=${holder#n}
      c=$(ndocker "$n" ps -q --filter label=com.docker.swarm.service.name=web_haproxy)
      echo "EVENT t=$(( $(ms) - t0 )) docker kill haproxy $c on $holder"
      ndocker "$n" kill "$c" >/dev/null ;;
    vip-node|plain-node)
      if [[ $case == vip-node ]]; then n=${holder#n}; else
        for n in $(node_nums); do [[ " $hp " == *" $n "* ]] || break; done
        n=${node:-$n}
      fi
      echo "EVENT t=$(( $(ms) - t0 )) crash node n$n"
      "$here/../../deploy/cluster-node.sh" kill "$n" 2>&1 | sed 's/^/NODE /'
      echo "EVENT t=$(( $(ms) - t0 )) crash done"
      sleep $(( seconds / 2 ))
      echo "EVENT t=$(( $(ms) - t0 )) restart node n$n"
      "$here/../../deploy/cluster-node.sh" start "$n" 2>&1 | sed 's/^/NODE /'
      echo "EVENT t=$(( $(ms) - t0 )) node n$n engine answers" ;;
    drain)
      for n in $(node_nums); do [[ " $hp " == *" $n "* ]] || break; done
      n=${node:-$n}
      echo "EVENT t=$(( $(ms) - t0 )) drain n$n"
      ndocker "$(live_node)" node update --availability drain "$(node_name "$n")" >/dev/null
      sleep $(( seconds / 2 ))
      echo "EVENT t=$(( $(ms) - t0 )) activate n$n"
      ndocker "$(live_node)" node update --availability active "$(node_name "$n")" >/dev/null ;;
  esac
  wait "$probe" "$mon"
  echo "EVENT t=$(( $(ms) - t0 )) end: vip on $(vip_holder), haproxy on nodes $(haproxy_nodes)"
  ndocker "$(live_node)" service ps -f desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}' \
    $(ndocker "$(live_node)" service ls -q) | sed 's/^/TASK /'
} 2>&1 | tee "$out" | grep -E '^(EVENT|PROBE SUMMARY|MON|NODE)' | grep -v '^MON' || true
echo "raw: $out"

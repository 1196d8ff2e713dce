#!/usr/bin/env bash
# collect.sh OUT: turns the raw files of a benchmark run ($OUT/benchmarks-raw, deploy/bench/measure.sh) into
# $OUT/benchmarks.json: medians per case and concurrency, the ratios the goals are stated in, the
# idle CPU, the scaling trials and the service's figures. Every figure comes from a raw file.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

usage() { echo "usage: $0 OUT   (the --out directory of deploy/bench.sh, holding benchmarks-raw/)"; }
case ${1:-} in -h|--help) usage; exit 0 ;; esac
(($# == 1)) || bad_args "one argument: the output directory"
[[ -d $1/benchmarks-raw ]] || bad_args "$1 has no benchmarks-raw/ (deploy/bench/measure.sh writes it)"
OUT=$1
raw=$OUT/benchmarks-raw

throughput=$(jq -R -s '
  [split("\n")[] | select(length > 0) | split(" ") |
    {case: .[0], c: (.[1] | tonumber), rps: (.[3] | tonumber), p50: (.[4] | tonumber), p99: (.[5] | tonumber), errors: (.[6] | tonumber)}]
  | group_by([.case, .c])
  | map({case: .[0].case, connections: .[0].c,
         rps: ([.[].rps] | sort | .[(length / 2 | floor)]),
         p50Ms: ([.[].p50] | sort | .[(length / 2 | floor)]),
         p99Ms: ([.[].p99] | sort | .[(length / 2 | floor)]),
         errors: ([.[].errors] | add), runs: length})' "$raw/throughput.txt")

trials=$(jq -R -s '[split("\n")[] | select(length > 0) | split(" ") | map(tonumber)] as $t
  | def median: sort | .[(length / 2 | floor)];
  {trials: ($t | length),
   startupToReadySeconds: {median: ([$t[][1]] | median), all: [$t[][1]]},
   readyToFirstRequestSeconds: {median: ([$t[][2] / 1000] | median), all: [$t[][2] / 1000]},
   deregisteredToLastRequestSeconds: {median: ([$t[][3] / 1000] | median), all: [$t[][3] / 1000]}}' "$raw/trials.txt")

idle=$(jq -R -s '[split("\n")[] | select(length > 0) | split(" ") | {(.[0]): (.[1] | tonumber)}] | add' "$raw/idle-cores-by-service.txt")

memory=$(awk '{print $2}' "$raw/memory-after-load.txt" | jq -R -s 'split("\n") | map(select(length > 0))')
# name anon_bytes file_bytes per container (deploy/bench/lib.sh, container_memory).
memory_by_kind=$(jq -R -s '[split("\n")[] | select(length > 0) | split(" ")
  | {container: .[0], anonymousMiB: (.[1] | tonumber / 1048576), pageCacheMiB: (.[2] | tonumber / 1048576)}]' \
  "$raw/memory-after-load-by-kind.txt")

jq -n --slurpfile run "$raw/run.json" --argjson t "$throughput" --argjson trials "$trials" --argjson memory "$memory" \
  --argjson memoryByKind "$memory_by_kind" \
  --argjson idle "$(<"$raw/idle-busy-cores.txt")" --argjson idleParts "$idle" --argjson image "$(<"$raw/image-bytes.txt")" '
  def rps($case; $c): ([$t[] | select(.case == $case and .connections == $c) | .rps] | first);
  def limit($c): 1 / (1 / rps("ceiling"; $c) + 1 / rps("reference"; $c));
  {run: $run[0], throughput: $t,
   ratios: [$t | map(.connections) | unique[] as $c | {
      connections: $c,
      serialChainLimit: limit($c),
      ours_over_serialChainLimit: (rps("ours"; $c) / limit($c)),
      direct_over_reference: (rps("direct"; $c) / rps("reference"; $c)),
      ours_over_static: (rps("ours"; $c) / rps("static"; $c)),
      ours_over_proxiedReference: (rps("ours"; $c) / rps("proxied-reference"; $c)),
      proxiedReference_over_serialChainLimit: (rps("proxied-reference"; $c) / limit($c)),
      loopback_over_ours: (rps("ours-loopback"; $c) / rps("ours"; $c))}],
   idleBusyCores: $idle, idleCoresByPart: $idleParts, scaling: $trials,
   service: {memoryAfterLoad: $memory, memoryAfterLoadByKind: $memoryByKind, imageBytes: $image}}' >"$OUT/benchmarks.json"
echo "wrote $OUT/benchmarks.json" >&2

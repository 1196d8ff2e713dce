#!/usr/bin/env bash
# Benchmarks the deployed stack in one run (deploy/up.sh first): throughput of the service, the
# balancer and their references, the idle stack's CPU, start-up and convergence while scaling,
# memory and image size. Writes benchmarks.json, benchmarks.md, benchmarks.png and
# benchmarks-raw/ (every measurement) to --out. The measuring part is deploy/bench/measure.sh, the report
# deploy/bench/collect.sh + report.sh. Bounded in time; traffic to 127.0.0.1 and the stack only.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--smoke] [--duration S] [--reps N] [--trials N] [--out DIR]
  --smoke       a short run that checks the benchmark works (2 s, 1 rep, 1 trial, into target/)
  --duration S  seconds per wrk run, 1..120 (default 10)
  --reps N      repetitions of each measurement, 1..9 (default 3)
  --trials N    scaling trials, 1..9 (default 5)
  --out DIR     where the report goes (default docs/, raw data in docs/benchmarks-raw)
USAGE
}

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  command -v jq >/dev/null || missing+=(jq)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_get update >/dev/null && apt_get install "${missing[@]}" >/dev/null
  fi
}

main() {
  local smoke=false duration=10 reps=3 trials=5 out=
  while (($#)); do
    case $1 in
      --smoke) smoke=true ;;
      --duration) needs_value "$@"; duration=$2; shift ;;
      --reps) needs_value "$@"; reps=$2; shift ;;
      --trials) needs_value "$@"; trials=$2; shift ;;
      --out) needs_value "$@"; out=$2; shift ;;
      -h|--help) usage; exit 0 ;;
      *) bad_args "unknown argument: $1" ;;
    esac
    shift
  done
  positive_int --duration "$duration" 120 seconds
  positive_int --reps "$reps" 9
  positive_int --trials "$trials" 9
  local concurrencies="1 50 200"
  if $smoke; then duration=2 reps=1 trials=1 concurrencies="1 50" out=${out:-$REPO_ROOT/target/bench-smoke}; fi
  out=${out:-$REPO_ROOT/docs}
  ensure_tools
  mkdir -p "$out"
  DURATION=$duration REPS=$reps TRIALS=$trials CONCURRENCIES=$concurrencies OUT=$out \
    "$REPO_ROOT/deploy/bench/measure.sh"
  "$REPO_ROOT/deploy/bench/collect.sh" "$out"
  "$REPO_ROOT/deploy/bench/report.sh" "$out"
  log "report: $out/benchmarks.md (raw data in $out/benchmarks-raw)"
}

main "$@"

#!/usr/bin/env bash
# Prints the run metadata of a benchmark as JSON, with the keys of the system tests' RunInfo
# (src/test/java/org/example/web/system/RunInfo.java): which run, which commit, which machine.
# RUN_ID names the run (default bench-<UTC time>): the multi-node drills pass theirs.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

usage() { echo "usage: $0   (no arguments)"; }
(($# == 0)) || bad_args "unexpected argument: $1"
cd "$REPO_ROOT"
jq -n \
  --arg runId "${RUN_ID:-bench-$(date -u +%Y%m%dT%H%M%SZ)}" \
  --arg startedAt "$(date -u +%FT%TZ)" \
  --arg gitCommit "$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  --argjson gitDirty "$([[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && echo true || echo false)" \
  --argjson cores "$(nproc)" \
  --argjson memoryBytes "$(awk '/^MemTotal:/ {print $2 * 1024}' /proc/meminfo)" \
  --arg kernel "$(uname -r)" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg docker "$(docker version -f '{{.Server.Version}}' 2>/dev/null || echo unknown)" \
  --arg userland "$(userland_proxy)" \
  '{runId: $runId, startedAt: $startedAt, gitCommit: $gitCommit, gitDirty: $gitDirty, cores: $cores,
    memoryBytes: $memoryBytes, kernel: $kernel, loadAverage: ($load | split(" ") | map(tonumber)),
    dockerServerVersion: $docker, dockerUserlandProxy: $userland}'

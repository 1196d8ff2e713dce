#!/usr/bin/env bash
# report.sh RUN-DIR: docs/multi-node-report.md and one timeline PNG per drill (in RUN-DIR), from
# the raw files of ONE run of run-all.sh (run.json + CASE-TIME.txt). Every figure is computed here
# from those files; each goal of issue 12 is marked met or NOT met with its number.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../deploy/lib/common.sh"

usage() { echo "usage: $0 RUN-DIR   (a directory made by run-all.sh)"; }
(($# == 1)) || bad_args "one run directory is needed"
[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
dir=$(realpath "$1")
[[ -s $dir/run.json ]] || bad_args "$1 has no run.json: not a run of run-all.sh"
OUT=$REPO_ROOT/docs/multi-node-report.md
ALL_VOTERS=3          # Consul servers (deploy/docker-stack.yml)
VIP_BACK_MS=2000      # "the address answers again within 2 s" (issue 12.3)
LEADERLESS_MAX_S=10   # "<= 10 s without a leader" (issue 12.5)
IN_FLIGHT=1           # requests in flight at any moment: probe.sh sends one at a time

# figures FILE: one line of KEY=VALUE figures of a drill's raw file.
figures() {
  awk '
    /^PROBE SUMMARY/ { for (i = 3; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] } }
    /^# drill/ { drill = $3; sub(/,$/, "", drill) }
    /^PROBE # start/ { match($0, /client timeout [0-9.]+s/); timeout = substr($0, RSTART + 15, RLENGTH - 16) }
    /^EVENT/ && / FAILED: / { failed_steps++ }
    /^EVENT/ { sub(/^t=/, "", $2); if (ev == "" && $0 !~ / before: /) ev = $2 + 0
               if ($0 ~ / before: /) { before = $0; sub(/.* before: /, "", before) }
               if ($0 ~ / end: /) { after = $0; sub(/.* end: /, "", after) } }
    /^MON/ {
      t = $2; sub(/^t=/, "", t); t += 0
      up = $0; sub(/.*up_per_node=\[/, "", up); sub(/\].*/, "", up); n = split(up, u, ",")
      # Full capacity: two balancers with as many servers UP as any had before the event.
      if (ev == "") for (i = 1; i <= n; i++) { if (u[i] + 0 > most) most = u[i] + 0 }
      full = 0; for (i = 1; i <= n; i++) if (u[i] + 0 == most && most > 0) full++
      leader = $NF; sub(/^leader=/, "", leader)
      if (ev != "" && t >= ev) {
        if (full < 2) { dip = 1; back = "" } else if (dip && back == "") back = t
        if (leader == "none") { if (nl_from == "") nl_from = prev_t; nl = t - nl_from; if (nl > nl_max) nl_max = nl }
        else nl_from = ""
      }
      if (leader != "none") { if (known != "" && leader != known) changes++; known = leader }
      prev_t = t
    }
    /^RAFT / && $0 ~ /[[:space:]]true[[:space:]]/ { voters++ }
    END {
      printf "drill=%s requests=%d failed=%d gap_ms=%d timeout=%s event_ms=%d ", drill, s["requests"], s["failed"], \
        s["max_gap_between_ok_ms"], timeout, ev
      printf "failed_steps=%d full_again_s=%s leaderless_max_s=%.1f leader_changes=%d voters=%d ", failed_steps, \
        dip ? (back == "" ? "never" : sprintf("%.1f", (back - ev) / 1000)) : "no-dip", nl_max / 1000, changes, voters
      gsub(/ /, "_", before); gsub(/ /, "_", after); printf "before=%s after=%s\n", before, after
    }' "$1"
}

# figures_of FILE: the drill's figures as shell assignments (for eval).
figures_of() { figures "$1" | tr ' ' '\n' | sed -n 's/^\([a-z_]*\)=\(.*\)$/\1="\2"/p'; }

# chart FILE PNG: requests answered / failed per second, and web servers UP per balancer.
chart() {
  local file=$1 png=$2 per_second mon
  per_second=$(mktemp) mon=$(mktemp)
  awk '/^PROBE [0-9]/ { s = int($2 / 1000); if ($3 == 200) ok[s]++; else bad[s]++; if (s > last) last = s }
       END { for (s = 0; s <= last; s++) printf "%d %d %d\n", s, ok[s], bad[s] }' "$file" >"$per_second"
  awk '/^MON/ { t = $2; sub(/^t=/, "", t); up = $0; sub(/.*up_per_node=\[/, "", up); sub(/\].*/, "", up)
                gsub(/,/, " ", up); printf "%.1f %s\n", t / 1000, up }' "$file" >"$mon"
  local arrows; arrows=$(awk '/^EVENT/ && !/ before: / && !/ end: / { t = $2; sub(/^t=/, "", t); $1 = $2 = ""
      gsub(/"/, "", $0); printf "set arrow from %.1f, graph 0 to %.1f, graph 1 nohead dt 2 lc rgb \"#555555\"\n", t/1000, t/1000
      printf "set label \"%s\" at %.1f, graph 0.97 rotate by 90 right font \",8\"\n", substr($0, 3, 38), t/1000 + 0.6 }' "$file")
  gnuplot <<GNUPLOT
set terminal pngcairo size 1000,360 font "DejaVu Sans,10"
set output "$png"
set title "$(basename "$file" .txt): requests through the VIP per second, web servers UP per balancer"
set xlabel "seconds since the drill began"; set ylabel "requests / s"; set y2label "servers UP"
set y2range [0:5]; set yrange [0:*]; set offsets 0, 0, graph 0.6, 0; set ytics nomirror; set y2tics 1; set key outside right
set style fill solid 0.6 noborder
$arrows
plot "$per_second" using 1:2 with boxes lc rgb "#4caf50" title "answered", \
     "" using 1:3 with boxes lc rgb "#e53935" title "failed", \
     "$mon" using 1:2 axes x1y2 with steps lw 2 lc rgb "#1e88e5" title "UP in HAProxy n1", \
     "" using 1:3 axes x1y2 with steps lw 2 lc rgb "#8e24aa" title "n2", \
     "" using 1:4 axes x1y2 with steps lw 2 lc rgb "#fb8c00" title "n3"
GNUPLOT
  rm -f "$per_second" "$mon"
}

# The drills' raw files in the order they ran (the time in their first line).
drill_files() {
  local f; for f in "$dir"/*-[0-9]*.txt; do
    echo "$(sed -n '1s/^# drill [^,]*, \([^,]*\),.*/\1/p' "$f") $f"
  done | sort | cut -d' ' -f2-
}

verdict() { if eval "$1"; then echo "met"; else echo "**NOT met**"; fi; }

goal_of() {  # the goal of a drill and whether it is met, from its figures
  ((failed_steps == 0)) || { echo "$failed_steps step(s) of the drill failed (EVENT ... FAILED) | **NOT met**"; return; }
  case $drill in
    haproxy|vip-node) echo "answers again within $((VIP_BACK_MS / 1000)) s (longest gap ${gap_ms} ms); failed no more than in flight ($IN_FLIGHT; $failed failed) | $(verdict "((gap_ms <= VIP_BACK_MS && failed <= IN_FLIGHT))")" ;;
    consul-rolling) echo "0 failed; <= $LEADERLESS_MAX_S s without a leader (${leaderless_max_s} s), at most one election ($leader_changes leader changes), $ALL_VOTERS voters at the end ($voters) | $(verdict "((failed == 0)) && awk -v l=$leaderless_max_s -v m=$LEADERLESS_MAX_S 'BEGIN {exit !(l <= m)}' && ((leader_changes <= 1 && voters == ALL_VOTERS))")" ;;
    *) echo "0 failed ($failed of $requests) | $(verdict "((failed == 0))")" ;;
  esac
}

main() {
  local run; run=$(jq -r '"run \(.runId), commit \(.gitCommit[0:12])\(if .gitDirty then " (uncommitted changes)" else "" end), \(.startedAt), \(.cores) cores, \(.memoryBytes / 1073741824 | floor) GiB, kernel \(.kernel), Docker \(.dockerServerVersion), load average \(.loadAverage | map(tostring) | join(" "))"' "$dir/run.json")
  local rel=${dir#"$REPO_ROOT/docs/"} file drill requests failed gap_ms timeout event_ms failed_steps full_again_s leaderless_max_s leader_changes voters before after
  {
    echo "# Multi-node drills: one run"
    echo
    echo "Generated by \`docs/multi-node/report.sh\` from the raw files of one run of \`docs/multi-node/run-all.sh\`"
    echo "($run). Raw data: [$rel/]($rel/) (\`PROBE\` = one request through the VIP, \`MON\` = one snapshot"
    echo "per second, \`EVENT\` = what the drill did, \`PLACEMENT\` = which node held which task, \`RAFT\` = Consul's peers at the end)."
    echo "Cluster: \`deploy/cluster.sh\` (3 nodes, 3 managers, 2 HAProxy + keepalived VIP); design and pitfalls: [multi-node-notes.md](multi-node-notes.md)."
    echo "Load: one request at a time, at most 20/s, client timeout as listed; a request without an answer within it is failed."
    echo
    echo "| drill | requests | failed | longest gap between answers | time to full capacity | longest without Consul leader | leader changes | voters at end | goal | |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    # Each drill's figures are computed once: the table uses them, then its section.
    local -A figures_by_file
    for file in $(drill_files); do
      figures_by_file[$file]=$(figures_of "$file")
      eval "${figures_by_file[$file]}"
      chart "$file" "${file%.txt}.png"
      echo "| [$drill](#$drill) | $requests | $failed | $gap_ms ms | $( [[ $full_again_s =~ ^[0-9] ]] && echo "$full_again_s s" || echo "$full_again_s") | $leaderless_max_s s | $leader_changes | $voters | $(goal_of) |"
    done
    for file in $(drill_files); do
      eval "${figures_by_file[$file]}"
      echo
      echo "## $drill"
      echo
      echo "Raw: [$(basename "$file")]($rel/$(basename "$file")); client timeout ${timeout} s; event at $((event_ms / 1000)) s."
      echo
      echo "- before: ${before//_/ }; at the end: ${after//_/ }"
      sed -n 's/^EVENT t=\([0-9]*\) \(.*\)/- t=\1 ms: \2/p' "$file" | grep -v -e ' before: ' -e ' end: '
      echo "- placement before: $(sed -n 's/^PLACEMENT before: //p' "$file")"
      echo "- placement at the end: $(sed -n 's/^PLACEMENT end: //p' "$file")"
      echo
      echo "![$drill]($rel/$(basename "${file%.txt}").png)"
    done
  } >"$OUT"
  log "wrote $OUT and the charts in $dir"
}

main

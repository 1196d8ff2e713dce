#!/usr/bin/env python3
"""table.py [PREFIX]: markdown table of logs/results.jsonl (runs whose name starts with PREFIX)."""
import json, sys
pre = sys.argv[1] if len(sys.argv) > 1 else ""
rows = [json.loads(l) for l in open("results.jsonl") if l.strip()]
print("| run | cmd s | ready s | clean s | longest no-leader s | leader changes | terms | voters end | ready end | clean end | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    if not r["run"].startswith(pre):
        continue
    print(f"| {r['run']} | {r.get('update_cmd_s','')} | {r.get('to_ready_s')} | {r.get('to_clean_s','')} | {r['longest_leaderless_s']} | "
          f"{r['leader_changes']} | {r['leader_terms_seen'][0] if r['leader_terms_seen'] else ''}-{r['max_term_any_server']} | "
          f"{r['end_voters_in_leader_cfg']} | {r['end_full']} | {r.get('end_clean','')} | {r.get('loadavg','')} |")

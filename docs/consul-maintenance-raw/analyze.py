#!/usr/bin/env python3
"""Reads monitor.py output.

  analyze.py summary LOG [FROM_T [TO_T]]   metrics over the window (t = seconds since monitor start)
  analyze.py wait LOG COND TIMEOUT_S       waits (tailing LOG) until COND holds; prints its t
     COND: ready   = an agreed leader and autopilot health: 3 servers, all voters, healthy, alive
           leader  = an agreed leader
  analyze.py mark LOG                      prints the t of the last tick in LOG
"""
import json, sys, time


def derive(tick, mode="ready"):
    """-> (leader, full, voters). leader: {"name","term","addr"} or None; full: True/False/None (unknown:
    the leader did not answer this tick). A leader is present when an answering server is the leader
    or follows one (a follower drops its leader after the 1 s heartbeat timeout); a poll that timed
    out under load is no evidence either way."""
    srv = {k: v for k, v in tick["srv"].items() if "state" in v}
    by_addr = {v["addr"]: v for v in srv.values()}
    best = None
    for v in srv.values():
        if v["state"] == "Leader":
            cand = (v["term"], v["addr"])
        elif v.get("leader_addr"):
            cand = (v["term"], v["leader_addr"].split(":")[0])
        else:
            continue
        if best is None or cand > best:
            best = cand
    if best is None:
        return None, (False if len(srv) >= 2 else None), None
    term, addr = best
    lv = by_addr.get(addr)
    n_err = sum(1 for v in tick["srv"].values() if "state" not in v)
    if lv is not None and lv["state"] != "Leader":
        return None, False, None      # the pointed-to server answered: it is no (longer) leader
    if lv is None and n_err == 0:
        return None, False, None      # every running server answered; none of them has that address
    name = lv["name"] if lv else next((m for v in srv.values() for m, (a, st) in v.get("members", {}).items() if a == addr), addr)
    leader = {"name": name, "term": term, "addr": addr}
    if not lv or lv["state"] != "Leader":
        return leader, None, None
    voters = sum(1 for c in lv["cfg"] if c[0] == "Voter")
    h = lv.get("health")
    live = {v["addr"] for v in srv.values()}
    # ready: autopilot (on the leader) lists 3 servers, all voters, healthy, alive, and can lose one.
    # A raft entry may still carry a server's previous address (the leader's own, after all servers
    # restarted): that is "ready" but not "clean" (Consul 1.8.7 fixes it later with an election).
    if not h:
        return leader, None, voters
    full = bool(len(h["servers"]) == 3 and all(x[2] and x[3] and x[4] == "alive" for x in h["servers"]) and h["ft"] >= 1)
    if mode == "clean" and full:
        if len(live) < 3:
            return leader, None, voters
        full = {x[1].split(":")[0] for x in h["servers"]} == live
    return leader, full, voters


def load(path):
    out = []
    with open(path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except Exception:
                pass
    return out


def summary(path, t_from=0.0, t_to=1e12):
    ticks = [t for t in load(path) if t_from <= t["t"] <= t_to]
    if not ticks:
        print(json.dumps({"error": "no ticks"}))
        return
    no_leader = []  # intervals
    cur = None
    changes = 0
    prev = None
    terms = set()
    first_full = None
    first_clean = None
    prev_clean = False
    last_not_clean = None
    last_not_full = None
    first_leader = None
    max_term = 0
    prev_full = False
    for t in ticks:
        leader, full, voters = derive(t)
        if full is None:
            full = prev_full
        prev_full = full
        for v in t["srv"].values():
            if "term" in v:
                max_term = max(max_term, v["term"])
        if leader:
            if first_leader is None:
                first_leader = t["t"]
            ident = (leader["name"], leader["term"])
            terms.add(leader["term"])
            if prev is not None and ident != prev:
                changes += 1
            prev = ident
            if cur is not None:
                no_leader.append((cur, t["t"]))
                cur = None
        else:
            if cur is None:
                cur = t["t"]
        if full and first_full is None:
            first_full = t["t"]
        c = derive(t, "clean")[1]
        if c is None:
            c = prev_clean
        prev_clean = c
        if c and first_clean is None:
            first_clean = t["t"]
        if not c:
            last_not_clean = t["t"]
        if not full:
            last_not_full = t["t"]
    if cur is not None:
        no_leader.append((cur, ticks[-1]["t"]))
    longest = max((b - a for a, b in no_leader), default=0.0)
    total_nl = sum(b - a for a, b in no_leader)
    end_leader, end_full, end_voters = derive(ticks[-1])
    end_full = prev_full
    # settled: the first t after which every tick is full
    settled = None
    if end_full:
        settled = t_from if last_not_full is None else next(t["t"] for t in ticks if t["t"] > last_not_full)
    res = {
        "window": [ticks[0]["t"], ticks[-1]["t"]],
        "first_leader": first_leader,
        "leaderless_intervals": [[round(a, 1), round(b, 1)] for a, b in no_leader],
        "longest_leaderless_s": round(longest, 1),
        "total_leaderless_s": round(total_nl, 1),
        "leader_changes": changes,
        "leader_terms_seen": sorted(terms),
        "max_term_any_server": max_term,
        "first_full": first_full,
        "settled_full_from": settled,
        "end_leader": end_leader["name"] if end_leader else None,
        "end_voters_in_leader_cfg": end_voters,
        "end_full": end_full,
        "first_clean": first_clean,
        "last_not_clean": last_not_clean,
        "end_clean": prev_clean,
    }
    print(json.dumps(res))


def wait(path, cond, timeout, min_t=0.0):
    t0 = time.time()
    pos = 0
    buf = ""
    while time.time() - t0 < timeout:
        with open(path) as f:
            f.seek(pos)
            data = f.read()
            pos = f.tell()
        buf += data
        *lines, buf = buf.split("\n")
        for line in lines:
            try:
                tick = json.loads(line)
            except Exception:
                continue
            if tick["t"] < min_t:
                continue
            leader, full, _ = derive(tick, "clean" if cond == "clean" else "ready")
            if (cond in ("ready", "clean") and full) or (cond == "leader" and leader) or (cond == "notready" and full is False):
                print(tick["t"])
                return 0
        time.sleep(0.25)
    print("TIMEOUT")
    return 1


def mark(path):
    last = None
    with open(path) as f:
        for line in f:
            try:
                last = json.loads(line)["t"]
            except Exception:
                pass
    print(last if last is not None else 0)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "summary":
        summary(sys.argv[2], *(float(x) for x in sys.argv[3:5]))
    elif cmd == "wait":
        sys.exit(wait(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]) if len(sys.argv) > 5 else 0.0))
    elif cmd == "mark":
        mark(sys.argv[2])

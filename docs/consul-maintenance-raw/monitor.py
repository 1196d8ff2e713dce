#!/usr/bin/env python3
"""Polls every Consul server task of a swarm service from the host, without docker exec.

For each running container of the service a thread enters the container's network namespace
(setns via ctypes) and asks the local agent for /v1/agent/self and /v1/agent/members; the
server that says it is the leader is also asked for /v1/operator/autopilot/health.
One JSON line per tick goes to stdout:
  {"t": <seconds since start>, "wall": <epoch>, "srv": {slot: {...}}, "health": {...}|null}
Usage: monitor.py SERVICE INTERVAL_S DURATION_S [STOPFILE]
"""
import ctypes, http.client, json, os, socket, sys, threading, time, re, urllib.parse

SERVICE, INTERVAL, DURATION = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
STOPFILE = sys.argv[4] if len(sys.argv) > 4 else None
libc = ctypes.CDLL("libc.so.6", use_errno=True)
CLONE_NEWNET = 0x40000000


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=5)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(self.path)
        self.sock = s


def docker(path):
    c = UnixHTTP("/var/run/docker.sock")
    c.request("GET", "/v1.41" + path)
    r = c.getresponse()
    data = r.read()
    c.close()
    return json.loads(data)


CFG_RE = re.compile(r"\{Suffrage:(\w+) ID:([0-9a-f-]+) Address:([0-9.:]+)\}")


class Worker(threading.Thread):
    """Lives in one container's network namespace; answers poll requests."""

    def __init__(self, cid, pid, slot):
        super().__init__(daemon=True)
        self.cid, self.pid, self.slot = cid, pid, slot
        self.req = threading.Event()
        self.done = threading.Event()
        self.result = None
        self.alive = True
        self.ok_ns = False

    def get(self, path, timeout):
        c = http.client.HTTPConnection("127.0.0.1", 8500, timeout=timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            return r.status, body
        finally:
            c.close()

    def run(self):
        try:
            fd = os.open(f"/proc/{self.pid}/ns/net", os.O_RDONLY)
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns")
            os.close(fd)
            self.ok_ns = True
        except Exception as e:  # container already gone
            self.result = {"err": "ns:" + str(e)}
            self.alive = False
            self.done.set()
            return
        while self.alive:
            if not self.req.wait(1.0):
                continue
            self.req.clear()
            res = {"cid": self.cid[:12]}
            try:
                st, body = self.get("/v1/agent/self", INTERVAL * 0.8)
                j = json.loads(body)
                raft = j["Stats"].get("raft", {})
                cons = j["Stats"].get("consul", {})
                res.update(
                    name=j["Config"]["NodeName"],
                    addr=j["Member"]["Addr"],
                    state=raft.get("state"),
                    term=int(raft.get("term", 0)),
                    idx=int(raft.get("last_log_index", 0)),
                    leader_addr=cons.get("leader_addr", ""),
                    cfg=[list(m) for m in CFG_RE.findall(raft.get("latest_configuration", ""))],
                    last_contact=raft.get("last_contact"),
                )
                st, body = self.get("/v1/agent/members", INTERVAL * 0.8)
                res["members"] = {m["Name"]: [m["Addr"], m["Status"]] for m in json.loads(body)}
                if res["state"] == "Leader":
                    st, body = self.get("/v1/operator/autopilot/health", INTERVAL * 0.8)
                    if st == 200:
                        h = json.loads(body)
                        res["health"] = {
                            "healthy": h["Healthy"],
                            "ft": h["FailureTolerance"],
                            "servers": [[s["Name"], s["Address"], s["Voter"], s["Healthy"], s["SerfStatus"], s["Leader"]] for s in h["Servers"]],
                        }
            except Exception as e:
                res["err"] = type(e).__name__ + ":" + str(e)[:80]
            self.result = res
            self.done.set()


def main():
    workers = {}
    t0 = time.time()
    label = urllib.parse.quote(json.dumps({"label": [f"com.docker.swarm.service.name={SERVICE}"], "status": ["running"]}))
    nxt = t0
    while time.time() - t0 < DURATION:
        if STOPFILE and os.path.exists(STOPFILE):
            break
        tick = time.time()
        try:
            conts = docker(f"/containers/json?filters={label}")
        except Exception as e:
            conts = []
        seen = set()
        for c in conts:
            cid = c["Id"]
            seen.add(cid)
            if cid not in workers:
                try:
                    info = docker(f"/containers/{cid}/json")
                    pid = info["State"]["Pid"]
                except Exception:
                    continue
                slot = c["Labels"].get("com.docker.swarm.task.name", "?.?").split(".")[1]
                w = Worker(cid, pid, slot)
                w.start()
                workers[cid] = w
        for cid in list(workers):
            if cid not in seen:
                workers[cid].alive = False
                del workers[cid]
        for w in workers.values():
            w.done.clear()
            w.req.set()
        out = {}
        deadline = time.time() + INTERVAL * 0.9
        for w in workers.values():
            w.done.wait(max(0, deadline - time.time()))
            r = w.result if w.done.is_set() else {"err": "timeout"}
            key = w.slot
            if key in out:  # two containers in one slot (stop-first overlap is impossible, but be safe)
                key = key + "b"
            out[key] = r
        line = {"t": round(tick - t0, 2), "wall": round(tick, 2), "srv": out}
        print(json.dumps(line), flush=True)
        nxt += INTERVAL
        time.sleep(max(0, nxt - time.time()))


if __name__ == "__main__":
    main()

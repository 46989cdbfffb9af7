#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A greedy uploader: N callers, each on its own connection, asking the control
socket for a token with min_valid_seconds MIN every 5 ms for SECONDS (bounded;
fast enough to show a storm, slow enough to leave the other tests' daemons a
processor), then one JSON line of what they got: calls, answers by error code,
and the smallest expires_in seen. The access token itself is never printed.
Usage: token-demand.py SOCKET N SECONDS MIN"""
import json, socket, sys, threading, time

path, callers, seconds, min_valid = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
lock = threading.Lock()
totals = {"calls": 0, "ok": 0, "errors": {}, "min_expires_in": None}

def caller():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    f = s.makefile("rwb")
    request = json.dumps({"method": "token", "min_valid_seconds": min_valid}).encode() + b"\n"
    deadline = time.monotonic() + seconds
    calls, ok, errors, least = 0, 0, {}, None
    while time.monotonic() < deadline and calls < 1_000_000:
        f.write(request)
        f.flush()
        line = f.readline()
        if not line:
            errors["closed"] = errors.get("closed", 0) + 1
            break
        reply = json.loads(line)
        calls += 1
        if reply.get("ok"):
            ok += 1
            expires_in = reply["token"]["expires_in"]
            least = expires_in if least is None else min(least, expires_in)
        else:
            code = reply["error"]["code"]
            errors[code] = errors.get(code, 0) + 1
        time.sleep(0.005)
    with lock:
        totals["calls"] += calls
        totals["ok"] += ok
        for code, count in errors.items():
            totals["errors"][code] = totals["errors"].get(code, 0) + count
        if least is not None:
            totals["min_expires_in"] = least if totals["min_expires_in"] is None else min(totals["min_expires_in"], least)

threads = [threading.Thread(target=caller) for _ in range(callers)]
for t in threads:
    t.start()
for t in threads:
    t.join(seconds + 60)
print(json.dumps(totals), flush=True)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Floods the control socket like a hostile local user: opens N connections,
asks each to watch, and writes what came back to RESULT (one JSON line), then
holds the connections until killed (at most 60 s). With --endless-line it
instead sends one request line of SIZE bytes and reports the answers.
Usage: control-flood.py SOCKET N RESULT | control-flood.py SOCKET --endless-line SIZE RESULT"""
import json, socket, sys, time

def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s

def first_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n")[0]

path = sys.argv[1]
if sys.argv[2] == "--endless-line":
    size, result = int(sys.argv[3]), sys.argv[4]
    s = connect(path)
    block = b"x" * 65536
    sent = 0
    while sent < size:
        s.sendall(block)
        sent += len(block)
    s.sendall(b"\n" + json.dumps({"method": "status", "id": 2}).encode() + b"\n")
    replies = [json.loads(first_line(s))]
    replies.append(json.loads(first_line(s)))
    open(result, "w").write(json.dumps({"codes": [r.get("error", {}).get("code") for r in replies],
                                        "states": [r.get("status", {}).get("state") for r in replies]}) + "\n")
    sys.exit(0)

count, result = int(sys.argv[2]), sys.argv[3]
held, refused, reasons, failed = [], 0, set(), 0
for _ in range(count):
    try:
        s = connect(path)
        s.sendall(b'{"method": "watch"}\n')
        reply = json.loads(first_line(s))
    except (OSError, ValueError):
        failed += 1
        continue
    if reply.get("ok"):
        held.append(s)
    else:
        refused += 1
        reasons.add(reply.get("error", {}).get("code"))
        s.close()
open(result, "w").write(json.dumps({"watching": len(held), "refused": refused, "failed": failed,
                                    "codes": sorted(c for c in reasons if c)}) + "\n")
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    time.sleep(0.2)

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A hostile local user flooding the control socket: for SECONDS, connects as
fast as it can, asks each connection to watch and never reads; keeps the HOLD
newest connections open and closes older ones as it goes. Writes what it
managed to RESULT (one JSON line) at the end.
Usage: connection-flood.py SOCKET SECONDS HOLD RESULT"""
import collections, json, socket, sys, time

path, seconds, hold, result = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
held = collections.deque()
connected = failed = 0
request = b'{"method": "watch"}\n'
end = time.monotonic() + seconds
while time.monotonic() < end:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(path)
        s.send(request, socket.MSG_DONTWAIT)
        connected += 1
    except OSError:
        failed += 1
        s.close()
        continue
    held.append(s)
    while len(held) > hold:
        held.popleft().close()
for s in held:
    s.close()
open(result, "w").write(json.dumps({"connected": connected, "failed": failed}) + "\n")

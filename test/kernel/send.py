#!/usr/bin/python3
"""Sends raw Ethernet frames for the kernel differential test (test/kernel-differential.test.ts).

stdin: one JSON object per line. The first is the configuration {iface, src_mac, dst_mac, nonce, batch,
pause}; each further line is one packet (see frames.py). Prints {"sent": n}.
"""

import json
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frames import frame  # noqa: E402


def main() -> None:
    lines = sys.stdin.read().splitlines()
    cfg = json.loads(lines[0])
    frames = [frame(cfg, json.loads(line)) for line in lines[1:] if line]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((cfg["iface"], 0))
    # Paced: a burst larger than the kernel's backlog (net.core.netdev_max_backlog) would be dropped
    # before the firewall sees it, and read as a firewall drop.
    for start in range(0, len(frames), cfg["batch"]):
        for f in frames[start : start + cfg["batch"]]:
            sock.send(f)
        time.sleep(cfg["pause"])
    sock.close()
    print(json.dumps({"sent": len(frames)}))


if __name__ == "__main__":
    main()

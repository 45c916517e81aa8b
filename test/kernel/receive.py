#!/usr/bin/python3
"""Records which marked packets arrive on an interface, for the kernel differential test.

argv: interface, nonce. Prints "ready" once the socket listens; when stdin closes (the sender is done) it
reads what is still queued, waits until the link has been quiet for a moment, and prints {"ids": [...]}: the
index in the marker (see frames.py) of each packet that arrived.
"""

import json
import select
import socket
import struct
import sys
import time

MAGIC = b"RMPK"
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
QUIET = 0.3
LIMIT = 50.0


def main() -> None:
    iface, nonce = sys.argv[1], int(sys.argv[2])
    tag = MAGIC + struct.pack("!I", nonce)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE: never lose a packet to the buffer
    sock.bind((iface, 0))
    print("ready", flush=True)
    ids = []
    stdin_open, quiet_since, deadline = True, None, time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        watched = [sock, sys.stdin] if stdin_open else [sock]
        ready, _, _ = select.select(watched, [], [], 0.05)
        if sys.stdin in ready and not sys.stdin.readline():
            stdin_open, quiet_since = False, time.monotonic()
        if sock in ready:
            data, addr = sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            at = data.find(tag)
            if at >= 0:
                ids.append(struct.unpack("!I", data[at + 8 : at + 12])[0])
            if not stdin_open:
                quiet_since = time.monotonic()
        elif not stdin_open and time.monotonic() - quiet_since > QUIET:
            break
    if stdin_open:
        sys.exit(f"receive.py: the sender did not finish within {LIMIT:.0f} seconds")
    print(json.dumps({"ids": ids}), flush=True)


if __name__ == "__main__":
    main()

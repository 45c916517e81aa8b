#!/usr/bin/python3
"""Checks frames.py against scapy: the same packets (stdin, as send.py reads them) built both ways must be
byte for byte the same. Prints {"checked": n, "different": [...]} with the first differing packets."""

import json
import os
import struct
import sys

from scapy.layers.inet import ICMP, IP, TCP, UDP, in4_chksum
from scapy.layers.inet6 import ICMPv6EchoRequest, ICMPv6Unknown, IPv6, in6_chksum
from scapy.layers.l2 import Ether
from scapy.layers.sctp import SCTP
from scapy.packet import Raw

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frames  # noqa: E402


def pseudo(ip, proto: int, segment: bytes) -> int:
    return in4_chksum(proto, ip, segment) if ip.version == 4 else in6_chksum(proto, ip, segment)


def transport(pkt: dict, mark: bytes, ip):
    """The transport layer by scapy where it has one; headers it lacks are checked for their checksum."""
    proto = pkt["p"]
    if proto == 6:
        return TCP(sport=pkt["sp"], dport=pkt["dp"], flags="S", seq=(pkt["i"] * 7919 + 1) & 0xFFFFFFFF) / mark
    if proto == 17:
        return UDP(sport=pkt["sp"], dport=pkt["dp"]) / mark
    if proto == 132:
        chunk = frames.sctp_init(pkt, mark)[12:]
        return SCTP(sport=pkt["sp"], dport=pkt["dp"], tag=0) / Raw(chunk)
    if proto == 1 and pkt["f"] == 4:
        fields = {"ts_ori": 0, "ts_rx": 0, "ts_tx": 0} if pkt["t"] == 13 else {}
        fields = {"addr_mask": "0.0.0.0"} if pkt["t"] == 17 else fields
        return ICMP(type=pkt["t"], code=pkt["c"], id=pkt["id"], seq=1, **fields) / mark
    if proto == 58 and pkt["f"] == 6 and pkt["t"] == 128:
        return ICMPv6EchoRequest(code=pkt["c"], id=pkt["id"], seq=1, data=mark)
    if proto == 58 and pkt["f"] == 6:
        return ICMPv6Unknown(type=pkt["t"], code=pkt["c"], msgbody=struct.pack("!HH", pkt["id"], 1) + mark)
    segment = frames.transport(pkt, mark)
    if proto in (33, 136):
        # Zero the checksum and let scapy's pseudo-header function compute it again.
        blank = segment[:6] + b"\0\0" + segment[8:]
        value = pseudo(ip, 33 if proto == 33 else 17, blank) or (0xFFFF if proto == 136 else 0)
        segment = blank[:6] + struct.pack("!H", value) + blank[8:]
    return Raw(segment)


def scapy_frame(cfg: dict, pkt: dict) -> bytes:
    mark = frames.marker(cfg["nonce"], pkt["i"])
    if pkt["f"] == 4:
        ip = IP(src=pkt["s"], dst=pkt["d"], proto=pkt["p"], ttl=frames.TTL, id=pkt["i"] & 0xFFFF)
    else:
        ip = IPv6(src=pkt["s"], dst=pkt["d"], nh=pkt["p"], hlim=frames.TTL)
    ether = Ether(src=cfg["src_mac"], dst=cfg["dst_mac"], type=0x0800 if pkt["f"] == 4 else 0x86DD)
    return bytes(ether / ip / transport(pkt, mark, ip))


def main() -> None:
    lines = sys.stdin.read().splitlines()
    cfg = json.loads(lines[0])
    different = []
    packets = [json.loads(line) for line in lines[1:] if line]
    for pkt in packets:
        ours, theirs = frames.frame(cfg, pkt), scapy_frame(cfg, pkt)
        if ours != theirs and len(different) < 10:
            different.append({"packet": pkt, "ours": ours.hex(), "scapy": theirs.hex()})
    print(json.dumps({"checked": len(packets), "different": different}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Sends raw Ethernet frames for the kernel differential test (test/kernel-differential.test.ts).

stdin: one JSON object per line. The first is the configuration {iface, src_mac, dst_mac, nonce, batch,
pause}; each further line is one packet {i, f, s, d, p, sp, dp, t, c, id}: index, family (4 or 6), source
and destination address, IP protocol, ports (TCP, UDP, SCTP), ICMP type and code, and an identifier (ICMP
id, SCTP verification tag) that keeps the connection distinct. Every packet carries the marker
MAGIC + nonce + index in its payload so the receiver can tell which packet arrived.
"""

import json
import socket
import struct
import sys
import time

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6, in6_chksum
from scapy.layers.sctp import SCTP
from scapy.packet import Raw

MAGIC = b"RMPK"
TTL = 64


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp_message(pkt: dict, marker: bytes, ip6=None) -> bytes:
    """An ICMP or ICMPv6 message of any type: type, code, checksum, 4 bytes id/sequence, the marker."""
    body = struct.pack("!BBHHH", pkt["t"], pkt["c"], 0, pkt["id"], 1) + marker
    if ip6 is None:
        csum = checksum(body)
    else:
        csum = in6_chksum(58, ip6, body)
    return body[:2] + struct.pack("!H", csum) + body[4:]


def sctp_init(pkt: dict, marker: bytes) -> bytes:
    """An INIT chunk (alone in its packet, as conntrack requires) with the marker in a skippable parameter."""
    param = struct.pack("!HH", 0x8001, 4 + len(marker)) + marker
    fixed = struct.pack("!IIHHI", pkt["id"] or 1, 65535, 1, 1, pkt["id"] or 1)
    length = 4 + len(fixed) + len(param)
    return struct.pack("!BBH", 1, 0, length) + fixed + param


def l4(pkt: dict, marker: bytes, ip):
    proto = pkt["p"]
    if proto == 6:
        return TCP(sport=pkt["sp"], dport=pkt["dp"], flags="S", seq=pkt["i"] * 7919 + 1) / Raw(marker)
    if proto == 17:
        return UDP(sport=pkt["sp"], dport=pkt["dp"]) / Raw(marker)
    if proto == 132:
        return SCTP(sport=pkt["sp"], dport=pkt["dp"], tag=0) / Raw(sctp_init(pkt, marker))
    if proto == 1 and pkt["f"] == 4:
        return Raw(icmp_message(pkt, marker))
    if proto == 58 and pkt["f"] == 6:
        return Raw(icmp_message(pkt, marker, ip))
    if proto == 47:
        # GRE version 0 carrying IPv4: a header conntrack's GRE tracker accepts.
        return Raw(struct.pack("!HH", 0, 0x0800) + marker)
    return Raw(marker)


def frame(cfg: dict, pkt: dict) -> bytes:
    marker = MAGIC + struct.pack("!II", cfg["nonce"], pkt["i"])
    if pkt["f"] == 4:
        ip = IP(src=pkt["s"], dst=pkt["d"], proto=pkt["p"], ttl=TTL, id=pkt["i"] & 0xFFFF)
        ethertype = 0x0800
    else:
        ip = IPv6(src=pkt["s"], dst=pkt["d"], nh=pkt["p"], hlim=TTL)
        ethertype = 0x86DD
    payload = bytes(ip / l4(pkt, marker, ip))
    mac = lambda text: bytes.fromhex(text.replace(":", ""))
    return mac(cfg["dst_mac"]) + mac(cfg["src_mac"]) + struct.pack("!H", ethertype) + payload


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

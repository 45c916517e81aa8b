"""Ethernet frames for the kernel differential test, built with struct (fast; check_frames.py compares them
with scapy's).

A packet is a dict {i, f, s, d, p, sp, dp, t, c, id}: index, family (4 or 6), source and destination address,
IP protocol, ports (TCP, UDP, SCTP), ICMP type and code, and an identifier (ICMP id, SCTP tag, DCCP and
UDP-Lite source port) that keeps the connection distinct. Every packet carries the marker MAGIC + nonce +
index in its payload so the receiver can tell which packet arrived. Protocols conntrack tracks get a header
it accepts as the start of a connection (TCP SYN, SCTP INIT, DCCP-Request, UDP-Lite, GRE version 0, ICMP
with an identifier); the others carry only the marker.
"""

import socket
import struct

MAGIC = b"RMPK"
TTL = 64
TCP_WINDOW = 8192


def marker(nonce: int, index: int) -> bytes:
    return MAGIC + struct.pack("!II", nonce, index)


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def addresses(pkt: dict) -> tuple:
    family = socket.AF_INET if pkt["f"] == 4 else socket.AF_INET6
    return socket.inet_pton(family, pkt["s"]), socket.inet_pton(family, pkt["d"])


def pseudo_checksum(pkt: dict, proto: int, segment: bytes) -> int:
    src, dst = addresses(pkt)
    if pkt["f"] == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(segment))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(segment), proto)
    return checksum(pseudo + segment)


def put_checksum(segment: bytes, at: int, value: int) -> bytes:
    return segment[:at] + struct.pack("!H", value) + segment[at + 2 :]


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC32C_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _crc32c_table() -> list:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def tcp_syn(pkt: dict, mark: bytes) -> bytes:
    seq = (pkt["i"] * 7919 + 1) & 0xFFFFFFFF
    segment = struct.pack("!HHIIBBHHH", pkt["sp"], pkt["dp"], seq, 0, 5 << 4, 0x02, TCP_WINDOW, 0, 0) + mark
    return put_checksum(segment, 16, pseudo_checksum(pkt, 6, segment))


def udp(pkt: dict, mark: bytes) -> bytes:
    segment = struct.pack("!HHHH", pkt["sp"], pkt["dp"], 8 + len(mark), 0) + mark
    return put_checksum(segment, 6, pseudo_checksum(pkt, 17, segment) or 0xFFFF)


def sctp_init(pkt: dict, mark: bytes) -> bytes:
    """An INIT chunk (alone in its packet, as conntrack requires) with the marker in a skippable parameter."""
    tag = pkt["id"] or 1
    param = struct.pack("!HH", 0x8001, 4 + len(mark)) + mark
    fixed = struct.pack("!IIHHI", tag, 65535, 1, 1, tag)
    chunk = struct.pack("!BBH", 1, 0, 4 + len(fixed) + len(param)) + fixed + param
    packet = struct.pack("!HHII", pkt["sp"], pkt["dp"], 0, 0) + chunk
    # The CRC32c goes on the wire least significant byte first (RFC 9260, appendix A).
    return packet[:8] + struct.pack("<I", crc32c(packet)) + packet[12:]


# ICMP requests with fields after the sequence number (zeroed): timestamp (13), address mask (17).
ICMP_EXTRA = {13: 12, 17: 4}


def icmp(pkt: dict, mark: bytes) -> bytes:
    """An ICMP or ICMPv6 message: type, code, checksum, identifier, sequence number 1, the fields of its type,
    the marker. ICMPv6 (in IPv6) has a pseudo-header checksum; anything else the plain one."""
    extra = ICMP_EXTRA.get(pkt["t"], 0) if pkt["p"] == 1 else 0
    body = struct.pack("!BBHHH", pkt["t"], pkt["c"], 0, pkt["id"], 1) + bytes(extra) + mark
    if pkt["p"] == 58 and pkt["f"] == 6:
        return put_checksum(body, 2, pseudo_checksum(pkt, 58, body))
    return put_checksum(body, 2, checksum(body))


def dccp_request(pkt: dict, mark: bytes) -> bytes:
    """A DCCP-Request (extended sequence numbers, service code 0): what conntrack's DCCP tracker needs."""
    port = 1024 + pkt["id"] % 60000
    segment = struct.pack("!HHBBHBBHII", port, 5001, 5, 0, 0, 0x01, 0, 0, pkt["id"], 0) + mark
    return put_checksum(segment, 6, pseudo_checksum(pkt, 33, segment))


def udplite(pkt: dict, mark: bytes) -> bytes:
    """A UDP-Lite header covering the whole datagram, with the checksum conntrack verifies: Linux (6.x)
    checks it with UDP's protocol number (17) in the pseudo-header, and calls the packet invalid otherwise."""
    segment = struct.pack("!HHHH", 1024 + pkt["id"] % 60000, 5001, 0, 0) + mark
    return put_checksum(segment, 6, pseudo_checksum(pkt, 17, segment) or 0xFFFF)


def transport(pkt: dict, mark: bytes) -> bytes:
    proto = pkt["p"]
    if proto == 6:
        return tcp_syn(pkt, mark)
    if proto == 17:
        return udp(pkt, mark)
    if proto == 132:
        return sctp_init(pkt, mark)
    if proto in (1, 58):
        return icmp(pkt, mark)
    if proto == 33:
        return dccp_request(pkt, mark)
    if proto == 136:
        return udplite(pkt, mark)
    if proto == 47:
        # GRE version 0 carrying IPv4: a header conntrack's GRE tracker accepts.
        return struct.pack("!HH", 0, 0x0800) + mark
    return mark


def ip_packet(pkt: dict, payload: bytes) -> bytes:
    src, dst = addresses(pkt)
    if pkt["f"] == 6:
        return struct.pack("!IHBB", 6 << 28, len(payload), pkt["p"], TTL) + src + dst + payload
    header = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(payload), pkt["i"] & 0xFFFF, 0, TTL, pkt["p"], 0)
    header += src + dst
    return put_checksum(header, 10, checksum(header)) + payload


def frame(cfg: dict, pkt: dict) -> bytes:
    mac = lambda text: bytes.fromhex(text.replace(":", ""))
    ethertype = 0x0800 if pkt["f"] == 4 else 0x86DD
    payload = ip_packet(pkt, transport(pkt, marker(cfg["nonce"], pkt["i"])))
    return mac(cfg["dst_mac"]) + mac(cfg["src_mac"]) + struct.pack("!H", ethertype) + payload

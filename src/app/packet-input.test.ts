import { describe, expect, it } from "vitest";
import { parseAddress } from "../core/net/address.js";
import { makePacket } from "../core/space/packet.js";
import { packetToJson, parsePacketInput, parsePacketLine } from "./packet-input.js";

const label = (f: string) => `"${f}"`;

describe("parsePacketInput", () => {
  it("builds a TCP packet, the source port defaulting to 0", () => {
    const r = parsePacketInput({ src: "10.0.0.1", dst: "10.0.0.2", proto: "tcp", dport: 443 }, label);
    expect(r).toEqual({
      ok: true,
      packet: makePacket({
        src: parseAddress("10.0.0.1"),
        dst: parseAddress("10.0.0.2"),
        proto: 6,
        sport: 0,
        dport: 443,
      }),
    });
  });

  it("takes protocol numbers and names, and numbers written as strings", () => {
    const r = parsePacketInput(
      { src: "10.0.0.1", dst: "10.0.0.2", proto: "17", sport: "53", dport: "53" },
      label,
    );
    expect(r.ok && [r.packet.proto, r.packet.sport, r.packet.dport]).toEqual([17, 53, 53]);
    const gre = parsePacketInput({ src: "10.0.0.1", dst: "10.0.0.2", proto: "GRE" }, label);
    expect(gre.ok && gre.packet.proto).toBe(47);
  });

  it("defaults ICMP to an echo request: type 8 for icmp, 128 for icmpv6, code 0", () => {
    const v4 = parsePacketInput({ src: "10.0.0.1", dst: "10.0.0.2", proto: "icmp" }, label);
    expect(v4.ok && [v4.packet.icmpType, v4.packet.icmpCode]).toEqual([8, 0]);
    const v6 = parsePacketInput({ src: "::1", dst: "::2", proto: "icmpv6" }, label);
    expect(v6.ok && [v6.packet.icmpType, v6.packet.icmpCode]).toEqual([128, 0]);
    const unreachable = parsePacketInput(
      { src: "10.0.0.1", dst: "10.0.0.2", proto: 1, type: 3, code: 4 },
      label,
    );
    expect(unreachable.ok && [unreachable.packet.icmpType, unreachable.packet.icmpCode]).toEqual([3, 4]);
  });

  it("requires the destination port for protocols with ports", () => {
    for (const proto of ["tcp", "udp", "sctp"])
      expect(parsePacketInput({ src: "10.0.0.1", dst: "10.0.0.2", proto }, label)).toEqual({
        ok: false,
        message: `Missing "dport": required for ${proto}`,
      });
  });

  it("says what is wrong with each field", () => {
    const base = { src: "10.0.0.1", dst: "10.0.0.2", proto: "tcp", dport: 80 };
    const message = (input: object) => {
      const r = parsePacketInput({ ...base, ...input }, label);
      return r.ok ? "ok" : r.message;
    };
    expect(message({ src: undefined })).toBe('Missing "src"');
    expect(message({ dst: "10.0.0.256" })).toBe('Invalid "dst" "10.0.0.256": not an IPv4 or IPv6 address');
    expect(message({ dst: 42 })).toBe('Invalid "dst" 42: not an IPv4 or IPv6 address');
    expect(message({ dst: "::1" })).toBe('Cannot make packet: "src" is IPv4 but "dst" is IPv6');
    expect(message({ proto: undefined })).toBe('Missing "proto"');
    expect(message({ proto: 256 })).toMatch(/^Invalid "proto" 256: expected tcp, udp/);
    expect(message({ dport: 65536 })).toBe('Invalid "dport" 65536: expected a whole number 0-65535');
    expect(message({ sport: -1 })).toBe('Invalid "sport" -1: expected a whole number 0-65535');
    expect(message({ dport: 1.5 })).toBe('Invalid "dport" 1.5: expected a whole number 0-65535');
    expect(message({ proto: "icmp", type: 300 })).toBe('Invalid "type" 300: expected a whole number 0-255');
  });
});

describe("parsePacketLine", () => {
  it("reads one JSON object", () => {
    expect(parsePacketLine(`{"src":"10.0.0.1","dst":"10.0.0.2","proto":"udp","dport":53}`).ok).toBe(true);
  });

  it("rejects text that is not a JSON object", () => {
    expect(parsePacketLine("{").ok).toBe(false);
    for (const text of ["[]", "null", '"tcp"', "42"])
      expect(parsePacketLine(text)).toEqual({
        ok: false,
        message: 'Expected a JSON object with "src", "dst" and "proto"',
      });
  });
});

describe("packetToJson", () => {
  it("writes the fields the protocol carries, in the shape parsePacketLine reads back", () => {
    for (const line of [
      `{"src":"10.0.0.1","dst":"10.0.0.2","proto":"tcp","sport":1234,"dport":443}`,
      `{"src":"2001:db8::1","dst":"2001:db8::2","proto":"icmpv6","type":1,"code":4}`,
      `{"src":"10.0.0.1","dst":"10.0.0.2","proto":253}`,
    ]) {
      const r = parsePacketLine(line);
      expect(r.ok && JSON.stringify(packetToJson(r.packet))).toBe(line);
    }
  });
});

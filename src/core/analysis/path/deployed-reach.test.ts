import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../../net/address.js";
import { parsePrefix } from "../../net/prefix.js";
import { makePacket } from "../../space/packet.js";
import { PacketSpace } from "../../space/packet-set.js";
import { reachThroughPoints, type DeployedPoint } from "./deployed-reach.js";

const space = new PacketSpace();
const net = (dir: "src" | "dst", cidr: string) => space.prefix(dir, parsePrefix(cidr));
const tcp = (port: number) => space.ports(6, "dst", port, port);
const packet = (src: string, dst: string, dport: number) =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto: 6, dport });

// Two zones a (10.1/16) and b (10.2/16); point p1 controls a->b, point p2 controls only traffic to 10.2.5/24.
const aToB = net("src", "10.1.0.0/16").intersect(net("dst", "10.2.0.0/16"));
const p1: DeployedPoint = { name: "p1", domain: aToB, accepted: tcp(22).union(tcp(443)), rules: [] };
const p2: DeployedPoint = {
  name: "p2",
  domain: net("dst", "10.2.5.0/24"),
  accepted: tcp(443),
  rules: [
    {
      action: "accept",
      match: tcp(443),
      source: { file: "p2.conf", line: 7, text: "permit tcp any any eq 443" },
      list: "in",
    },
  ],
};

describe("reachThroughPoints", () => {
  it("lets a packet through only when every point controlling it accepts it", () => {
    const query = aToB.intersect(tcp(22).union(tcp(443)));
    const r = reachThroughPoints(query, [p1, p2]);
    expect(r.verdict).toBe("partial");
    expect(r.allowed.contains(packet("10.1.0.1", "10.2.0.1", 22))).toBe(true);
    expect(r.allowed.contains(packet("10.1.0.1", "10.2.5.1", 443))).toBe(true);
    expect(r.allowed.contains(packet("10.1.0.1", "10.2.5.1", 22))).toBe(false);
    expect(r.denied.equals(query.intersect(net("dst", "10.2.5.0/24")).intersect(tcp(22)))).toBe(true);
    expect(r.points.map((p) => [p.name, p.status, p.blocked.isEmpty()])).toEqual([
      ["p1", "deployed", true],
      ["p2", "deployed", false],
    ]);
    const block = r.points[1]!.blockedBoxes;
    expect(block.map((b) => b.summary)).toEqual(["tcp/22 from 10.1.0.0/16 to 10.2.5.0/24"]);
    expect(block[0]!.lines).toEqual([]);
  });

  it("names the rules matching a blocked witness, and counts a missing configuration as dropping all", () => {
    const query = aToB.intersect(tcp(443));
    const r = reachThroughPoints(query, [{ ...p1, accepted: undefined }, p2]);
    expect(r.verdict).toBe("deny");
    expect(r.points[0]).toMatchObject({ name: "p1", status: "missing" });
    expect(r.points[0]!.blocked.equals(query)).toBe(true);
  });

  it("reports the packets no point controls as unfiltered and lets them through", () => {
    const query = net("src", "10.3.0.0/16").intersect(net("dst", "10.4.0.0/16"));
    const r = reachThroughPoints(query, [p1, p2]);
    expect(r.verdict).toBe("allow");
    expect(r.points).toEqual([]);
    expect(r.unfiltered.equals(query)).toBe(true);
  });

  it("agrees packet by packet with a plain walk over the points", () => {
    const octet = fc.integer({ min: 0, max: 7 });
    fc.assert(
      fc.property(octet, octet, fc.constantFrom(22, 80, 443), (x, y, port) => {
        const p = packet(`10.1.0.${x}`, `10.2.${y}.1`, port);
        const query = aToB.intersect(tcp(22).union(tcp(80)).union(tcp(443)));
        const r = reachThroughPoints(query, [p1, p2]);
        const plain = [p1, p2].every((pt) => !pt.domain.contains(p) || pt.accepted!.contains(p));
        return r.allowed.contains(p) === plain;
      }),
    );
  });
});

// Test helpers for the junos importer: a small zone layout, a loader and packet builders.

import { parseAddress } from "../../../net/address.js";
import { parsePrefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { makePacket, type Packet } from "../../../space/packet.js";
import type { ImportContext, ImportResult } from "../../model.js";
import { junosImporter } from "./importer.js";

/** trust and dmz inside untrust, which holds every other address; "lab" is a zone of the policy too. */
const ZONES: Record<string, { nets: string[]; except?: string[] }> = {
  trust: { nets: ["10.0.0.0/8", "2001:db8::/32"] },
  dmz: { nets: ["172.16.0.0/12"] },
  lab: { nets: ["192.168.50.0/24"] },
  untrust: {
    nets: ["0.0.0.0/0", "::/0"],
    except: ["10.0.0.0/8", "2001:db8::/32", "172.16.0.0/12", "192.168.50.0/24"],
  },
};

export function testContext(space: PacketSpace): ImportContext {
  return {
    space,
    role: "network",
    hosts: [],
    interfaces: {},
    zoneSpace(zone, dir) {
      const z = ZONES[zone];
      if (!z) return space.none();
      const nets = space.unionAll(z.nets.map((n) => space.prefix(dir, parsePrefix(n))));
      return nets.minus(space.unionAll((z.except ?? []).map((n) => space.prefix(dir, parsePrefix(n)))));
    },
  };
}

export function loadJunos(text: string, name = "srx.conf"): ImportResult & { space: PacketSpace } {
  const space = new PacketSpace();
  return { ...junosImporter.import([{ name, text }], testContext(space)), space };
}

type Ports = (src: string, dst: string, dport: number, sport?: number) => Packet;
const ported =
  (proto: number): Ports =>
  (src, dst, dport, sport = 40000) =>
    makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto, dport, sport });

export const tcp = ported(PROTO.tcp);
export const udp = ported(PROTO.udp);
export const icmp = (src: string, dst: string, icmpType: number, icmpCode = 0): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto: PROTO.icmp, icmpType, icmpCode });
export const proto = (src: string, dst: string, p: number): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto: p });

/** "LINE:CODE" of each diagnostic. */
export const codes = (r: ImportResult): string[] => r.diagnostics.map((d) => `${d.line}:${d.code}`);

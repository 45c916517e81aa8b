// What a person asks reach questions about, as typed: assets, zones, groups, apps and tiers; common services.

import type { Policy } from "../src/core/policy/types.js";

export function reachReferences(p: Policy): { refs: string[]; services: string[][] } {
  const refs = [
    ...p.assets.map((a) => `asset:${a.name}`),
    ...p.zones.map((z) => `zone:${z.name}`),
    ...p.groups.map((g) => `group:${g.name}`),
    ...p.applications.flatMap((a) => [`app:${a.name}`, ...a.tiers.map((t) => `app:${a.name}/${t.name}`)]),
  ];
  const services = [
    ["https"],
    ["ssh"],
    ["postgres"],
    ["dns"],
    ["tcp/8000-8999"],
    ["udp/5000-5100"],
    ["icmp"],
    ["https", "ssh"],
    [],
    ...p.services.slice(0, 20).map((s) => [s.name]),
  ];
  return { refs, services };
}

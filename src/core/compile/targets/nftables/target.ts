// The nftables target (being written in this session).

import type { Target } from "../../target.js";

export const nftablesTarget: Target = {
  id: "nftables",
  description: "nftables",
  format: "nftables",
  capabilities: {
    families: [4, 6],
    roles: ["network", "host"],
    stateful: true,
    deny: true,
    protocols: "any",
    anyProtocol: true,
    icmp: true,
    sourcePorts: true,
    hostRules: "shared",
    nameMaxLength: 64,
  },
  render() {
    throw new Error("The nftables target is not written yet");
  },
};

// The iptables target (being written in this session).

import type { Target } from "../../target.js";

export const iptablesTarget: Target = {
  id: "iptables",
  description: "iptables",
  format: "iptables",
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
    throw new Error("The iptables target is not written yet");
  },
};

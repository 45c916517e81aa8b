// The junos target (being written in this session).

import type { Target } from "../../target.js";

export const junosTarget: Target = {
  id: "junos",
  description: "junos",
  format: "junos",
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
    throw new Error("The junos target is not written yet");
  },
};

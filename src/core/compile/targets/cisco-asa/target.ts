// The cisco-asa target (being written in this session).

import type { Target } from "../../target.js";

export const ciscoAsaTarget: Target = {
  id: "cisco-asa",
  description: "cisco-asa",
  format: "cisco-asa",
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
    throw new Error("The cisco-asa target is not written yet");
  },
};

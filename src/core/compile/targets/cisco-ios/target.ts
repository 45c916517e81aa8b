// The cisco-ios target (being written in this session).

import type { Target } from "../../target.js";

export const ciscoIosTarget: Target = {
  id: "cisco-ios",
  description: "cisco-ios",
  format: "cisco-ios",
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
    throw new Error("The cisco-ios target is not written yet");
  },
};

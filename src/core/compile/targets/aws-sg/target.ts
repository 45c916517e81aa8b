// The aws-sg target (being written in this session).

import type { Target } from "../../target.js";

export const awsSgTarget: Target = {
  id: "aws-sg",
  description: "aws-sg",
  format: "aws-sg",
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
    throw new Error("The aws-sg target is not written yet");
  },
};

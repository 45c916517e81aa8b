// The k8s target (being written in this session).

import type { Target } from "../../target.js";

export const k8sTarget: Target = {
  id: "k8s",
  description: "k8s",
  format: "k8s",
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
    throw new Error("The k8s target is not written yet");
  },
};

// The junos target: Juniper SRX security policies between zones, in `set` form (docs/targets/junos.md).

import type { IrPoint } from "../../ir.js";
import type { RenderResult, Target } from "../../target.js";
import { readOptions } from "./options.js";
import { renderSrx } from "./render-srx.js";

export const junosTarget: Target = {
  id: "junos",
  description: "Juniper SRX security policies between zones (set commands)",
  format: "junos",
  capabilities: {
    families: [4, 6],
    roles: ["network"],
    stateful: true,
    deny: true,
    protocols: "any",
    anyProtocol: true,
    icmp: true,
    sourcePorts: true,
    hostRules: "shared",
    nameMaxLength: 63,
  },
  render(ir: IrPoint): RenderResult {
    const { diagnostics } = readOptions(ir.point);
    const result = renderSrx(ir);
    return { ...result, diagnostics: [...diagnostics, ...result.diagnostics] };
  },
};

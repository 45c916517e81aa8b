// The nftables target's point options: which table it owns.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { EnforcementPoint } from "../../../policy/types.js";

export interface NftOptions {
  /** The `inet` table the file replaces; nothing else on the host is touched. */
  readonly table: string;
}

export const DEFAULT_TABLE = "rampart";
const KNOWN = ["table"];
/** An nft identifier; longer names are legal but nobody types them. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export function readOptions(point: EnforcementPoint): { options: NftOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warn = (message: string) =>
    diagnostics.push(diagnostic("target-option", "warning", message, point.loc));
  for (const key of Object.keys(point.options).sort())
    if (!KNOWN.includes(key))
      warn(
        `Unknown option "${key}" for enforcement point "${point.name}" (nftables accepts: ${KNOWN.join(", ")})`,
      );
  let table = DEFAULT_TABLE;
  const raw = point.options["table"];
  if (raw !== undefined) {
    if (typeof raw === "string" && TABLE_NAME.test(raw)) table = raw;
    else
      warn(
        `Option "table" of enforcement point "${point.name}" must be a name of letters, digits, "_" and "-" ` +
          `(got "${String(raw)}"); using "${DEFAULT_TABLE}"`,
      );
  }
  return { options: { table }, diagnostics };
}

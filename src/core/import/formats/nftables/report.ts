// How the nftables importer reports what it cannot read or model: a diagnostic at a token.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { Token } from "./lexer.js";

export type ConfigCode = "config-syntax" | "config-unsupported" | "config-ignored";

export type Report = (code: ConfigCode, message: string, token: Token) => void;

/** A reporter that appends to `out`: syntax errors are errors, unsupported constructs warnings. */
export function reporter(out: Diagnostic[]): Report {
  return (code, message, token) => {
    const severity = code === "config-syntax" ? "error" : code === "config-unsupported" ? "warning" : "info";
    out.push(
      diagnostic(code, severity, message, { file: token.file, line: token.line, column: token.column }),
    );
  };
}

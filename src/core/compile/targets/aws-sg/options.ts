// The aws-sg point options (`vpc`, `region`, `account`), checked: problems are target-option warnings.

import { closestName, diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { EnforcementPoint } from "../../../policy/types.js";

export interface AwsSgOptions {
  /** The VPC the groups belong to. */
  readonly vpc: string;
  /** Region, for the groups' ARNs; absent: no ARN is written. */
  readonly region?: string;
  /** The account (OwnerId) the groups belong to. */
  readonly account: string;
}

/** Written when the point gives no `vpc`: never a real VPC, so a deployment fails loudly. */
export const PLACEHOLDER_VPC = "vpc-00000000";
/** Written when the point gives no `account`. */
export const PLACEHOLDER_ACCOUNT = "000000000000";

const KNOWN = ["vpc", "region", "account"] as const;

const FORMATS: Record<(typeof KNOWN)[number], { re: RegExp; example: string }> = {
  vpc: { re: /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, example: "vpc-0a1c3e5f7b9d2468a" },
  region: { re: /^[a-z]{2}(-[a-z]+)+-[0-9]$/, example: "eu-central-1" },
  account: { re: /^[0-9]{12}$/, example: "123456789012" },
};

export function readOptions(point: EnforcementPoint): { options: AwsSgOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warn = (message: string) =>
    diagnostics.push(diagnostic("target-option", "warning", message, point.loc));
  const raw = point.options;
  for (const key of Object.keys(raw).sort()) {
    if ((KNOWN as readonly string[]).includes(key)) continue;
    const near = closestName(key, KNOWN);
    warn(`Unknown aws-sg option "${key}"${near ? `; did you mean "${near}"?` : ""}`);
  }
  const read = (key: (typeof KNOWN)[number]): string | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") {
      warn(`Option "${key}" must be a string such as "${FORMATS[key].example}"; it is ignored`);
      return undefined;
    }
    if (!FORMATS[key].re.test(v))
      warn(
        `Option "${key}" is "${v}", which does not look like an AWS ${key} id such as "${FORMATS[key].example}"`,
      );
    return v;
  };
  const vpc = read("vpc");
  const region = read("region");
  const account = read("account");
  if (vpc === undefined)
    warn(
      `Option "vpc" is not set for enforcement point "${point.name}"; the output uses "${PLACEHOLDER_VPC}"`,
    );
  return {
    options: {
      vpc: vpc ?? PLACEHOLDER_VPC,
      ...(region !== undefined && { region }),
      account: account ?? PLACEHOLDER_ACCOUNT,
    },
    diagnostics,
  };
}

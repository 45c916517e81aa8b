// The aws-sg importer: security groups from `aws ec2 describe-security-groups` JSON and/or Terraform. When
// both are given (as Rampart writes them) each is read on its own, the JSON's answer is returned, and any
// difference between the two is an error.

import { diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import { decompose, formatBox } from "../../../space/summarize.js";
import type { ConfigFile, ImportContext, Importer, ImportResult } from "../../model.js";
import { readJsonGroups } from "./read-json.js";
import { readTerraformGroups } from "./read-terraform.js";
import { evaluateGroups } from "./semantics.js";
import { FileDiagnostics, type SgGroup, type Where } from "./sg-model.js";

/** JSON by extension, Terraform by extension, else by the first character. */
function isJson(file: ConfigFile): boolean {
  if (/\.json$/i.test(file.name)) return true;
  if (/\.tf$/i.test(file.name)) return false;
  return /^\s*[[{]/.test(file.text);
}

function firstLine(file: ConfigFile): Where {
  return { file: file.name, line: 1, column: 1, text: (file.text.split("\n")[0] ?? "").trim() };
}

/** A one-line example of where two answers differ. */
function example(a: ImportResult, b: ImportResult): string {
  const onlyA = a.accepted.minus(b.accepted);
  const diff = onlyA.isEmpty() ? b.accepted.minus(a.accepted) : onlyA;
  const { boxes } = decompose(diff, 1);
  const box = boxes[0];
  return `${onlyA.isEmpty() ? "only the Terraform" : "only the JSON"} allows ${box ? formatBox(box) : "some packets"}`;
}

export const awsSgImporter: Importer = {
  id: "aws-sg",
  description:
    "AWS VPC security groups: describe-security-groups JSON and Terraform (aws_security_group and rules)",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const json = files.filter(isJson);
    const tf = files.filter((f) => !isJson(f));
    const read = (list: readonly ConfigFile[]) =>
      list.map((f) => ({ f, d: new FileDiagnostics(f.name, f.text.split("\n")) }));
    const jsonFiles = read(json);
    const tfFiles = read(tf);
    const jsonGroups: SgGroup[] = jsonFiles.flatMap(({ f, d }) => readJsonGroups(f.text, d));
    const tfGroups = readTerraformGroups(tfFiles.map(({ f, d }) => ({ text: f.text, d })));
    const parseDiagnostics = [...jsonFiles, ...tfFiles].flatMap(({ d }) => d.list);
    const fallback = files[0] ? firstLine(files[0]) : { file: "", line: 1, column: 1, text: "" };
    if (context.role === "network") {
      // Groups filter what reaches and leaves hosts, never what a device forwards between zones.
      const why =
        "Security groups protect hosts, not forwarded traffic: read for a network-role point, they let nothing through";
      return {
        accepted: context.space.none(),
        rules: [],
        diagnostics: [...parseDiagnostics, diagnostic("config-unsupported", "warning", why, fallback)],
      };
    }
    const fromJson = json.length > 0 ? evaluateGroups(jsonGroups, context, firstLine(json[0]!)) : undefined;
    const fromTf = tf.length > 0 ? evaluateGroups(tfGroups, context, firstLine(tf[0]!)) : undefined;
    const main = fromJson ?? fromTf ?? evaluateGroups([], context, fallback);
    const diagnostics = [...parseDiagnostics, ...main.diagnostics];
    if (fromJson && fromTf) {
      diagnostics.push(...fromTf.diagnostics);
      if (!fromJson.accepted.equals(fromTf.accepted))
        diagnostics.push(
          diagnostic(
            "config-unsupported",
            "error",
            `The Terraform (${tf.map((f) => `"${f.name}"`).join(", ")}) and the security groups of "${json[0]!.name}" differ: ${example(fromJson, fromTf)}; the JSON is used`,
            firstLine(tf[0]!),
          ),
        );
    }
    return { accepted: main.accepted, rules: main.rules, diagnostics: sortDiagnostics(diagnostics) };
  },
};

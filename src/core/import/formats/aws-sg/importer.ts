// The aws-sg importer: security groups from `aws ec2 describe-security-groups` JSON and/or Terraform. When
// both are given (as Rampart writes them) each is read on its own, the JSON's answer is returned, and any
// difference between the two is an error.

import { diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import { decompose, formatBox } from "../../../space/summarize.js";
import type { ConfigFile, ImportContext, Importer, ImportResult } from "../../model.js";
import { evaluateNacls } from "./nacl.js";
import { readJsonConfig } from "./read-json.js";
import { readTerraformGroups } from "./read-terraform.js";
import { evaluateGroups, groupRules, SgMatchCache } from "./semantics.js";
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

/** The lists of the groups whose rules were read: each group's ingress and egress, denying what no rule allows. */
function sgLists(main: ImportResult, jsonGroups: SgGroup[], tfGroups: SgGroup[], fromJson: boolean) {
  const names = new Set(main.rules.map((r) => r.list));
  return (fromJson ? jsonGroups : tfGroups).flatMap((g) =>
    (["ingress", "egress"] as const)
      .map((dir) => `${g.name} ${dir}`)
      .filter((name) => names.has(name))
      .map((name) => ({
        name,
        fallThrough: "drop" as const,
        source: { file: g.at.file, line: g.at.line, text: g.at.text },
      })),
  );
}

export const awsSgImporter: Importer = {
  id: "aws-sg",
  description:
    "AWS VPC security groups (describe-security-groups JSON, Terraform) and network ACLs (describe-network-acls JSON)",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const json = files.filter(isJson);
    const tf = files.filter((f) => !isJson(f));
    const read = (list: readonly ConfigFile[]) =>
      list.map((f) => ({ f, d: new FileDiagnostics(f.name, f.text.split("\n")) }));
    const jsonFiles = read(json);
    const tfFiles = read(tf);
    const jsonConfigs = jsonFiles.map(({ f, d }) => readJsonConfig(f.text, d));
    const jsonGroups: SgGroup[] = jsonConfigs.flatMap((c) => c.groups);
    const nacls = jsonConfigs.flatMap((c) => c.nacls);
    const tfGroups = readTerraformGroups(tfFiles.map(({ f, d }) => ({ text: f.text, d })));
    const parseDiagnostics = [...jsonFiles, ...tfFiles].flatMap(({ d }) => d.list);
    const fallback = files[0] ? firstLine(files[0]) : { file: "", line: 1, column: 1, text: "" };
    const fromNacls = evaluateNacls(nacls, context);
    // A connection must pass the network ACLs of its subnets and the security groups of its hosts.
    const withNacls = (r: ImportResult, groupsApply = true): ImportResult => ({
      accepted:
        nacls.length === 0
          ? r.accepted
          : groupsApply
            ? r.accepted.intersect(fromNacls.accepted)
            : fromNacls.accepted,
      rules: [...r.rules, ...fromNacls.rules],
      lists: [...(r.lists ?? []), ...fromNacls.lists],
      diagnostics: sortDiagnostics([...r.diagnostics, ...fromNacls.diagnostics]),
    });
    if (context.role === "network") {
      // Groups filter what reaches and leaves hosts, never what a device forwards between zones: their rules
      // are read list by list, and they let nothing through.
      const groups = groupRules([...jsonGroups, ...(json.length > 0 ? [] : tfGroups)], context);
      const why =
        "Security groups protect hosts, not forwarded traffic: read for a network-role point, they let nothing through";
      const sgNote =
        jsonGroups.length + tfGroups.length > 0
          ? [diagnostic("config-unsupported", "warning", why, fallback)]
          : [];
      return withNacls(
        { ...groups, diagnostics: [...parseDiagnostics, ...groups.diagnostics, ...sgNote] },
        false,
      );
    }
    const sgJson = json.filter((_, i) => jsonConfigs[i]!.nacls.length === 0);
    if (sgJson.length === 0 && tf.length === 0 && nacls.length > 0)
      return withNacls(
        { accepted: context.space.all(), rules: [], lists: [], diagnostics: parseDiagnostics },
        false,
      );
    const cache = new SgMatchCache();
    const fromJson =
      sgJson.length > 0 ? evaluateGroups(jsonGroups, context, firstLine(sgJson[0]!), cache) : undefined;
    const fromTf = tf.length > 0 ? evaluateGroups(tfGroups, context, firstLine(tf[0]!), cache) : undefined;
    const main = fromJson ?? fromTf ?? evaluateGroups([], context, fallback);
    const diagnostics = [...parseDiagnostics, ...main.diagnostics];
    if (fromJson && fromTf) {
      diagnostics.push(...fromTf.diagnostics);
      if (!fromJson.accepted.equals(fromTf.accepted))
        diagnostics.push(
          diagnostic(
            "config-unsupported",
            "error",
            `The Terraform (${tf.map((f) => `"${f.name}"`).join(", ")}) and the security groups of "${sgJson[0]!.name}" differ: ${example(fromJson, fromTf)}; the JSON is used`,
            firstLine(tf[0]!),
          ),
        );
    }
    return withNacls({
      accepted: main.accepted,
      rules: main.rules,
      lists: sgLists(main, jsonGroups, tfGroups, sgJson.length > 0),
      diagnostics,
    });
  },
};

// Format detection on the corpus: every configuration file is detected as the format of its folder, but for
// the exceptions listed here, each with its reason.

import { describe, expect, it } from "vitest";
import { detectFormatWithReason } from "../../src/core/import/detect.js";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../support/corpus.js";

/** The format each folder holds; undefined: no configuration Rampart reads. */
const FOLDERS: Readonly<Record<string, string | undefined>> = {
  iptables: "iptables",
  nftables: "nftables",
  "cisco-ios": "cisco-ios",
  "cisco-asa": "cisco-asa",
  "cisco-nxos": "cisco-nxos",
  juniper: "junos",
  kubernetes: "k8s",
  aws: "aws-sg",
  capirca: "capirca",
  aerleon: "capirca",
  logs: undefined,
  scans: undefined,
};

/** aerleon/generated/<target>: what the generator's output reads as (its own format is not one Rampart reads). */
const GENERATED: Readonly<Record<string, readonly (string | undefined)[]>> = {
  ipset: ["iptables"],
  juniperevo: ["junos", undefined],
  junipermsmpc: ["junos"],
  srxlo: ["junos"],
  // Arista EOS and Brocade ACLs are written in IOS / NX-OS syntax.
  arista: ["cisco-ios", "cisco-nxos"],
  brocade: ["cisco-ios"],
  ciscoxr: ["cisco-ios", undefined],
};

/** Files whose detected format differs from their folder's, and why. */
const EXCEPTIONS: Readonly<Record<string, { readonly detected: string | undefined; readonly why: string }>> =
  {
    "nftables/netfilter-sets__0014malformed_set_is_not_defined_0.nft": {
      detected: undefined,
      why: "empty file: nothing to detect",
    },
    "cisco-ios/ios-blankish-file": { detected: undefined, why: 'a single "!": nothing to detect' },
    "cisco-ios/aclIos": {
      detected: "cisco-asa",
      why: "batfish test that writes an ASA-style `access-list NAME extended` line in an IOS file",
    },
    "cisco-ios/iosAccessGroupAcl": {
      detected: "cisco-asa",
      why: "batfish test that writes an ASA-style `access-list NAME extended` line in an IOS file",
    },
    "cisco-ios/cisco_acl": {
      detected: undefined,
      why: "NX-OS-style `ip access-list NAME` with sequence numbers: ambiguous on its own",
    },
    "cisco-ios/cisco_ipv6_access_list": {
      detected: undefined,
      why: "IPv6 ACLs with sequence numbers, the same in IOS and NX-OS: ambiguous",
    },
    "cisco-ios/ios-object-group-ip-port": {
      detected: undefined,
      why: "only `object-group ip port` and a hostname, which NX-OS shares",
    },
    "cisco-asa/ospf-intervals": {
      detected: "cisco-ios",
      why: "hostname and OSPF interfaces only; nothing ASA-specific",
    },
    "cisco-asa/ospf-network-types": {
      detected: "cisco-ios",
      why: "hostname and OSPF interfaces only; nothing ASA-specific",
    },
    "cisco-nxos/nexus": {
      detected: undefined,
      why: "a hostname and `configure session`: too little to tell",
    },
    "cisco-nxos/nxos_route_map_continue": {
      detected: "cisco-ios",
      why: "route maps only, no RANCID header: IOS syntax",
    },
    "cisco-nxos/unit-nxos_ospf": { detected: "cisco-ios", why: "OSPF only, no RANCID header: IOS syntax" },
    "aws/awscli_describe-flow-logs_1.json": { detected: undefined, why: "flow-log settings, not rules" },
    "aws/custodian_vpc_flow_logs_misconfigured__ec2.DescribeFlowLogs_1.json": {
      detected: undefined,
      why: "flow-log settings, not rules",
    },
    "aws/awscli_describe-security-group-references_1.json": {
      detected: undefined,
      why: "which VPCs reference a group: no rules",
    },
    "aws/botocore_DescribeSecurityGroupReferences_1.json": {
      detected: undefined,
      why: "which VPCs reference a group: no rules",
    },
  };

/** Not configurations: flow logs, packet captures and NetFlow payloads. */
const NOT_CONFIG = /^(aws\/flowlogs\/|netflow\/)|\.(pcap|dat|bin)$/;

function expected(path: string): readonly (string | undefined)[] {
  const exception = EXCEPTIONS[path];
  if (exception) return [exception.detected];
  const generated = /^aerleon\/generated\/([^/]+)\//.exec(path);
  if (generated) return GENERATED[generated[1]!] ?? [undefined];
  return [FOLDERS[path.split("/")[0]!]];
}

describe.skipIf(!corpusDir())(`detectFormat on the corpus (skipped when ${CORPUS_SKIP_REASON})`, () => {
  for (const folder of Object.keys(FOLDERS)) {
    it(`detects every file of ${folder}/ as its folder's format, but the listed exceptions`, () => {
      const files = corpusFiles(folder, (p) => !NOT_CONFIG.test(p));
      expect(files.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const f of files) {
        const d = detectFormatWithReason({ name: f.path, text: f.text });
        const want = expected(f.path);
        if (!want.includes(d.format))
          wrong.push(`${f.path}: ${String(d.format)} (${d.reason}), want ${want.join(" or ")}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it("lists only exceptions that exist", () => {
    const all = new Set(Object.keys(FOLDERS).flatMap((f) => corpusFiles(f).map((c) => c.path)));
    expect(Object.keys(EXCEPTIONS).filter((p) => !all.has(p))).toEqual([]);
  });
});

// From statements to the vendor-shaped model: dispatch by hierarchy, each construct read by its own module.

import { emptyConfig, type JunosConfig, Reporter } from "./config.js";
import type { ParsedConfig } from "./parse-set.js";
import { readApplications } from "./read-applications.js";
import { bookOf, readBookEntry, zoneBookName } from "./read-addresses.js";
import { readFirewall, readInterfaceFilter, readPolicyOptions } from "./read-filters.js";
import { applyInserts, readPolicies } from "./read-policies.js";
import { type Statement, wordLoc } from "./statements.js";

/** Top-level hierarchies with no say in which connections the security policies admit. */
const IRRELEVANT = new Set([
  "version",
  "system",
  "chassis",
  "interfaces",
  "snmp",
  "routing-options",
  "protocols",
  "policy-options",
  "class-of-service",
  "forwarding-options",
  "vlans",
  "access",
  "access-profile",
  "event-options",
  "routing-instances",
  "services",
  "bridge-domains",
  "ethernet-switching-options",
  "switch-options",
  "poe",
  "virtual-chassis",
  "multi-chassis",
  "schedulers",
  "apply-groups",
  "smtp",
  "wlan",
  "utility-mib",
]);

/** `security` hierarchies that do not change which new connections the policies admit. */
const SECURITY_IRRELEVANT = new Set([
  "ike",
  "ipsec",
  "pki",
  "ssh-known-hosts",
  "log",
  "screen",
  "flow",
  "alg",
  "idp",
  "utm",
  "application-tracking",
  "authentication-key-chains",
  "forwarding-process",
  "user-identification",
  "application-firewall",
  "ssl",
  "certificates",
  "traceoptions",
  "gprs",
  "dynamic-vpn",
  "datapath-debug",
  "analysis",
  "tcp-encap",
  "remote-access",
  "advance-policy-based-routing",
  "dynamic-address",
]);

/** Zone statements with no effect on policy evaluation. */
const ZONE_IRRELEVANT = new Set([
  "host-inbound-traffic",
  "screen",
  "description",
  "tcp-rst",
  "application-tracking",
  "enable-reverse-reroute",
  "source-identity-log",
  "advance-policy-based-routing-profile",
  "unidirectional-session-refreshing",
]);

export function readConfig(parsed: ParsedConfig): { config: JunosConfig; reporter: Reporter } {
  const cfg = emptyConfig();
  const rep = new Reporter();
  for (const s of parsed.statements) readStatement(cfg, rep, s);
  applyInserts(cfg, rep, parsed.inserts);
  return { config: cfg, reporter: rep };
}

function readStatement(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const top = s.words[0]?.text;
  switch (top) {
    case undefined:
      return;
    case "security":
      return readSecurity(cfg, rep, s);
    case "applications":
      return readApplications(cfg, rep, s);
    case "firewall":
      return readFirewall(cfg, rep, s);
    case "policy-options":
      return readPolicyOptions(cfg, rep, s);
    case "interfaces":
      if (readInterfaceFilter(cfg, rep, s)) return;
      break;
    case "groups": {
      const group = s.words[1]?.text ?? "";
      const under = s.words[2]?.text ?? "";
      if (["security", "applications", "firewall"].includes(under))
        rep.unsupported(
          `Configuration group "${group}" is not expanded; the ${under} statements it holds are not modelled`,
          s.loc,
          `group ${group}`,
        );
      return;
    }
    case "delete:":
    case "replace:":
    case "protect:":
      // Directives for loading the file onto a device; the file itself is read as it is.
      rep.ignored(`Load directive "${top}" ignored: the configuration is read as the file gives it`, s.loc);
      return;
    case "logical-systems":
    case "tenants":
      rep.unsupported(
        `${top === "tenants" ? "Tenant" : "Logical system"} "${s.words[1]?.text ?? ""}" is not modelled`,
        s.loc,
        `${top} ${s.words[1]?.text ?? ""}`,
      );
      return;
  }
  // Reported once per hierarchy and file: every statement under it is left out on purpose.
  if (IRRELEVANT.has(top))
    rep.ignored(`Hierarchy "${top}" ignored: it does not filter traffic`, s.loc, `top ${top} ${s.loc.file}`);
  else rep.ignored(`Hierarchy "${top}" is not read`, s.loc, `top ${top}`);
}

function readSecurity(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const w = s.words;
  const part = w[1]?.text;
  if (part === undefined) return;
  switch (part) {
    case "zones":
      return readZone(cfg, rep, s);
    case "address-book":
      if (w[2]) readBookEntry(bookOf(cfg, w[2].text), rep, s, 3);
      return;
    case "policies":
      return readPolicies(cfg, rep, s);
    case "forwarding-options":
      if (w[2]?.text === "family" && w[3]?.text === "inet6" && w[4]?.text === "mode" && w[5])
        cfg.inet6Mode = { mode: w[5].text, loc: wordLoc(s, 5) };
      return;
    case "nat":
      rep.unsupported(
        "NAT is not modelled: policies then see translated addresses, which Rampart does not compute",
        s.loc,
        "nat",
      );
      return;
  }
  if (SECURITY_IRRELEVANT.has(part))
    rep.ignored(
      `Hierarchy "security ${part}" ignored: it does not change which connections the policies admit`,
      s.loc,
      `sec ${part} ${s.loc.file}`,
    );
  else rep.ignored(`Hierarchy "security ${part}" is not read`, s.loc, `sec ${part}`);
}

function readZone(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const w = s.words;
  if (w[2]?.text !== "security-zone") return;
  const zone = w[3]?.text;
  if (zone === undefined) {
    rep.syntax(`Cannot read "${s.text}": the zone has no name`, s.loc);
    return;
  }
  let z = cfg.zones.get(zone);
  if (!z) {
    z = { loc: s.loc, interfaces: [] };
    cfg.zones.set(zone, z);
  }
  const what = w[4]?.text;
  if (what === undefined) return;
  if (what === "interfaces") {
    const ifname = w[5]?.text;
    if (ifname !== undefined && !z.interfaces.includes(ifname)) z.interfaces.push(ifname);
  } else if (what === "address-book") {
    const book = bookOf(cfg, zoneBookName(zone));
    if (!book.zones.includes(zone)) book.zones.push(zone);
    readBookEntry(book, rep, s, 5);
  } else if (ZONE_IRRELEVANT.has(what))
    rep.ignored(
      `Zone statement "${what}" ignored: it does not change which forwarded connections pass`,
      wordLoc(s, 4),
      `zone ${zone} ${what}`,
    );
  else rep.ignored(`Zone statement "${what}" is not read`, wordLoc(s, 4), `zone ${what}`);
}

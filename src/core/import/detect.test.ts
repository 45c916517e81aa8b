import { describe, expect, it } from "vitest";
import { detectFormat, detectFormatWithReason } from "./detect.js";

const detect = (text: string, name = "config") => detectFormat({ name, text });

describe("detectFormat", () => {
  it("detects iptables-save output, aerleon's command lines and ipset save files", () => {
    expect(detect("*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n")).toBe(
      "iptables",
    );
    expect(detect("-P OUTPUT DROP\n-N O_t\n-A OUTPUT -j O_t\n")).toBe("iptables");
    expect(detect("create web hash:ip family inet\nadd web 10.0.0.1\n")).toBe("iptables");
    expect(detect("iptables -A INPUT -s 10.0.0.0/8 -j ACCEPT\n", "fw.sh")).toBe("iptables");
  });

  it("detects nftables text and nft -j JSON", () => {
    expect(
      detect("table inet filter {\n  chain input {\n    type filter hook input priority 0;\n  }\n}\n"),
    ).toBe("nftables");
    expect(detect('{"nftables": [{"metainfo": {"json_schema_version": 1}}]}')).toBe("nftables");
    expect(detect("#!/usr/sbin/nft -f\nflush ruleset\n")).toBe("nftables");
  });

  it("tells Cisco IOS, ASA and NX-OS apart by their own evidence", () => {
    expect(detect("hostname r1\nip access-list extended web\n permit tcp any any eq 80\n")).toBe("cisco-ios");
    expect(
      detect("ASA Version 9.8(2)\nhostname fw\naccess-list out extended permit tcp any any eq 443\n"),
    ).toBe("cisco-asa");
    expect(
      detect("!RANCID-CONTENT-TYPE: cisco-nx\nfeature bgp\nip access-list web\n  10 permit tcp any any\n"),
    ).toBe("cisco-nxos");
  });

  it("detects Junos in braces and in set form", () => {
    expect(
      detect(
        "firewall {\n    family inet {\n        filter f {\n            term t {\n                then accept;\n",
      ),
    ).toBe("junos");
    expect(detect("set security policies from-zone a to-zone b policy p then permit\n")).toBe("junos");
  });

  it("detects AWS JSON (also malformed, by its keys), Terraform, Kubernetes, Capirca and ClassBench", () => {
    expect(detect('{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}')).toBe("aws-sg");
    expect(detect('{"SecurityGroups": [{"GroupId": "sg-1",}]}')).toBe("aws-sg");
    expect(detect('resource "aws_security_group" "web" {\n  name = "web"\n}\n', "main.tf")).toBe("aws-sg");
    expect(detect("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\n")).toBe(
      "k8s",
    );
    expect(detect("header {\n  target:: juniper edge\n}\nterm t {\n  action:: accept\n}\n", "a.pol")).toBe(
      "capirca",
    );
    expect(detect("RFC1918 = 10.0.0.0/8\n          172.16.0.0/12\n", "NETWORK.net")).toBe("capirca");
    expect(detect("@10.0.0.0/8\t192.168.1.0/24\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000\n")).toBe(
      "classbench",
    );
  });

  it("says why when nothing fits, and names the candidates when several do", () => {
    const none = detectFormatWithReason({ name: "notes.txt", text: "hello world\n" });
    expect(none.format).toBeUndefined();
    expect(none.reason).toContain("Nothing in");
    const both = detectFormatWithReason({
      name: "mixed",
      text: "*filter\nCOMMIT\ntable inet t {\n}\n",
    });
    expect(both.format).toBeUndefined();
    expect([...both.candidates].sort()).toEqual(["iptables", "nftables"]);
    expect(both.reason).toContain("give --format");
  });

  it("reads UTF-16 text that arrived as UTF-8 with NULs", () => {
    const utf16 = [..."!RANCID-CONTENT-TYPE: cisco\nhostname r1\n"].join("\u0000");
    expect(detect(utf16)).toBe("cisco-ios");
  });
});

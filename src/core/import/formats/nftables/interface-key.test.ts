import { describe, expect, it } from "vitest";
import { standaloneContext } from "../../standalone.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { findImporter } from "../index.js";

function keys(text: string): (string | undefined)[] {
  const space = new PacketSpace();
  const result = findImporter("nftables")!.import([{ name: "f", text }], standaloneContext(space));
  return result.rules.map((r) => r.interfaces);
}

describe("nftables interface keys", () => {
  const ruleset = (...rules: string[]) =>
    [
      "table inet filter {",
      "  chain forward {",
      "    type filter hook forward priority 0; policy drop;",
      ...rules.map((r) => `    ${r}`),
      "  }",
      "}",
      "",
    ].join("\n");

  it("keys the interface matches no zone maps, negations, sets and wildcards as written", () => {
    const text = ruleset(
      'iifname "eth0" tcp dport 22 drop',
      'oifname { "eth1", "eth2" } iifname != "eth0" accept',
      'iifname "eth*" accept',
      "tcp dport 22 accept",
    );
    expect(keys(text)).toEqual(["in=eth0", "in!=eth0 out={eth1,eth2}", "in=eth*", undefined]);
  });

  it("keeps a dropping rule's own match on an unmapped interface, and accepts nothing more for it", () => {
    const space = new PacketSpace();
    const text = ruleset('iifname "eth0" tcp dport 22 drop');
    const result = findImporter("nftables")!.import([{ name: "f", text }], standaloneContext(space));
    const ssh = space.ports(6, "dst", 22, 22);
    expect(result.rules[0]!.match.isSubsetOf(ssh) && ssh.isSubsetOf(result.rules[0]!.match)).toBe(true);
    expect(result.accepted.isEmpty()).toBe(true);
  });
});

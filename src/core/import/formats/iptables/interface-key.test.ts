import { describe, expect, it } from "vitest";
import { standaloneContext } from "../../standalone.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { findImporter } from "../index.js";

function keys(text: string): (string | undefined)[] {
  const space = new PacketSpace();
  const result = findImporter("iptables")!.import([{ name: "f", text }], standaloneContext(space));
  return result.rules.map((r) => r.interfaces);
}

describe("iptables interface keys", () => {
  it("keys the interface conditions no zone maps, negations and wildcards as written", () => {
    const text = [
      "*filter",
      ":FORWARD DROP [0:0]",
      "-A FORWARD -i eth0 -p tcp -j DROP",
      "-A FORWARD -o eth1+ ! -i eth0 -j ACCEPT",
      "-A FORWARD -p tcp -j ACCEPT",
      "-A FORWARD -i + -j ACCEPT",
      "COMMIT",
      "",
    ].join("\n");
    expect(keys(text)).toEqual(["in=eth0", "in!=eth0 out=eth1+", undefined, undefined]);
  });

  it("keeps a dropping rule's own match on an unmapped interface", () => {
    const space = new PacketSpace();
    const text = "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -i eth0 -p tcp -j DROP\nCOMMIT\n";
    const result = findImporter("iptables")!.import([{ name: "f", text }], standaloneContext(space));
    const tcp = space.protocol(6).intersect(space.family(4));
    expect(result.rules[0]!.match.isSubsetOf(tcp) && tcp.isSubsetOf(result.rules[0]!.match)).toBe(true);
  });
});

describe("iptables widened rules", () => {
  it("marks a rule whose match leaves out a condition it cannot model, and no other", () => {
    const space = new PacketSpace();
    const text = [
      "*filter",
      ":FORWARD DROP [0:0]",
      "-A FORWARD -p tcp --dport 22 -m limit --limit 3/min -j ACCEPT",
      "-A FORWARD -p tcp --dport 22 -j DROP",
      "-A FORWARD -i eth0 -p tcp -j ACCEPT",
      "COMMIT",
      "",
    ].join("\n");
    const result = findImporter("iptables")!.import([{ name: "f", text }], standaloneContext(space));
    expect(result.rules.map((r) => r.widened ?? false)).toEqual([true, false, false]);
  });
});

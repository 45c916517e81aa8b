// `rampart explain`: is this one packet allowed, and which rules decide it? Or every packet of a file.

import type { Command } from "commander";
import { type ExplainReport, explainPacket } from "../../app/explain.js";
import { type PacketField, parsePacketInput } from "../../app/packet-input.js";
import { formatPacket, type Packet } from "../../core/space/packet.js";
import { explainPacketsFile } from "./explain-packets.js";
import type { CommandContext } from "./io.js";
import { type Colors, colors, paintVerdict, printJson } from "./output.js";
import { openForQuestions } from "./policy.js";
import { formatRules } from "./rules.js";

interface ExplainOptions {
  src?: string;
  dst?: string;
  proto?: string;
  sport?: string;
  dport?: string;
  icmpType?: string;
  icmpCode?: string;
  packets?: string;
  json?: boolean;
  verbose?: boolean;
}

const FLAG: Record<PacketField, string> = {
  src: "--src",
  dst: "--dst",
  proto: "--proto",
  sport: "--sport",
  dport: "--dport",
  type: "--icmp-type",
  code: "--icmp-code",
};

export function registerExplain(program: Command, ctx: CommandContext): void {
  program
    .command("explain")
    .description("explain the verdict for one packet, or for each packet of a JSON-lines file")
    .argument("[path]", "policy file or folder", ".")
    .option("--src <ip>", "source address")
    .option("--dst <ip>", "destination address")
    .option("--proto <proto>", "tcp, udp, icmp, icmpv6, sctp, another protocol name, or a number 0-255")
    .option("--sport <port>", "source port (default 0)")
    .option("--dport <port>", "destination port (required for tcp, udp and sctp)")
    .option("--icmp-type <type>", "ICMP type (default: echo request, 8 for icmp, 128 for icmpv6)")
    .option("--icmp-code <code>", "ICMP code (default 0)")
    .option("--packets <file>", 'explain every packet of a file ("-" for stdin), one JSON object per line')
    .option("--json", "print the answer as JSON")
    .option("--verbose", "also print the policy's warnings (to stderr)")
    .action(async (path: string, opts: ExplainOptions, command: Command) => {
      if (opts.packets !== undefined) {
        const given = (Object.keys(FLAG) as PacketField[]).filter((f) => opts[optionKey(f)] !== undefined);
        if (given.length > 0)
          command.error(
            `error: use --packets or a packet's options (${given.map((f) => FLAG[f]).join(", ")}), not both`,
          );
        const { loaded } = await openForQuestions(path, ctx, opts);
        ctx.exitCode = await explainPacketsFile(opts.packets, loaded.intent, ctx, {
          json: opts.json === true,
        });
        return;
      }
      const missing = (["src", "dst", "proto"] as const).filter((f) => opts[f] === undefined);
      if (missing.length > 0)
        command.error(`error: missing ${missing.map((f) => FLAG[f]).join(", ")} (or give --packets FILE)`);
      const packet = packetFromOptions(opts, (m) => command.error(`error: ${m}`));
      const { loaded } = await openForQuestions(path, ctx, opts);
      const report = explainPacket(loaded.intent, packet);
      if (opts.json) printJson(ctx.io, report);
      else ctx.io.stdout(formatExplanation(report, packet, colors(ctx.io)));
    });
}

function optionKey(f: PacketField): keyof ExplainOptions {
  return f === "type" ? "icmpType" : f === "code" ? "icmpCode" : f;
}

function packetFromOptions(opts: ExplainOptions, usage: (message: string) => never): Packet {
  const r = parsePacketInput(
    {
      src: opts.src,
      dst: opts.dst,
      proto: opts.proto,
      sport: opts.sport,
      dport: opts.dport,
      type: opts.icmpType,
      code: opts.icmpCode,
    },
    (f) => FLAG[f],
  );
  return r.ok ? r.packet : usage(r.message);
}

export function formatExplanation(r: ExplainReport, packet: Packet, c: Colors): string {
  let out = `${paintVerdict(r.verdict, c)}: ${formatPacket(packet)}\n`;
  if (r.verdict === "allow") {
    out += `\n${c.bold("Allowed by:")}\n${formatRules(r.flows, c)}`;
  } else if (r.denies.length > 0) {
    out += `\n${c.bold("Denied by:")}\n${formatRules(r.denies, c)}`;
    if (r.flows.length > 0) out += `\n${c.bold("Overriding the flows:")}\n${formatRules(r.flows, c)}`;
  } else {
    out += `\nNo flow allows it (default deny).\n`;
  }
  const expiredFlows = r.expired.filter((e) => e.kind === "flow");
  const expiredDenies = r.expired.filter((e) => e.kind === "deny");
  if (expiredFlows.length > 0)
    out += `\n${c.bold("Expired flows that would have allowed it:")}\n${formatRules(expiredFlows, c)}`;
  if (expiredDenies.length > 0)
    out += `\n${c.bold("Expired denies that would have blocked it:")}\n${formatRules(expiredDenies, c)}`;
  return out;
}

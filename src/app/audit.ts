// The audit log: every write, sign-in and export as one entry of a hash chain, so that any entry changed,
// inserted or deleted afterwards breaks the chain and `rampart audit verify` says where.

import { createHash } from "node:crypto";
import type { AuditEntry, NewAuditEntry, Store } from "./store.js";

/** The clock the use cases read; tests pass a fixed or stepping one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The hash of the chain's start: the first entry's prevHash. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every level, so that a value has exactly one text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** SHA-256 over the previous hash and every field of the entry but its own hash. */
export function auditHash(entry: Omit<AuditEntry, "hash">): string {
  const { prevHash, ...rest } = entry;
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(rest)).digest("hex");
}

export type AuditInput = Omit<NewAuditEntry, "at" | "outcome" | "clientAddress" | "target" | "detail"> &
  Partial<Pick<NewAuditEntry, "outcome" | "clientAddress" | "target" | "detail">>;

/** Appends entries with the time from the clock; the store chains them. */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Same log, writing through `store` (a transaction's store, so the entry lands with the change). */
  within(store: Store): AuditLog {
    return new AuditLog(store, this.clock);
  }

  record(input: AuditInput): Promise<AuditEntry> {
    const entry: NewAuditEntry = {
      at: this.clock.now().toISOString(),
      actor: input.actor,
      action: input.action,
      target: input.target ?? "",
      outcome: input.outcome ?? "success",
      clientAddress: input.clientAddress ?? "",
      detail: input.detail ?? null,
    };
    return this.store.audit.append(entry, auditHash);
  }
}

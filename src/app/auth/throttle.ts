// Brute-force defence: failures counted per account and per client address; too many lock the key a while.

import type { Store, ThrottleRecord } from "../store.js";
import type { ThrottleConfig } from "./config.js";

export function accountKey(username: string): string {
  return `user:${username.normalize("NFKC").toLowerCase()}`;
}

export function addressKey(address: string): string {
  return `ip:${address}`;
}

export type ThrottleVerdict =
  | { readonly blocked: false }
  | { readonly blocked: true; readonly code: "locked" | "throttled"; readonly retryAfterSeconds: number };

export class Throttle {
  constructor(private readonly config: ThrottleConfig) {}

  /** Whether the address is throttled or the account locked now (the address first: it names no account). */
  async check(store: Store, username: string, address: string, now: Date): Promise<ThrottleVerdict> {
    const byAddress = await store.throttle.get(addressKey(address));
    const wait = secondsLocked(byAddress, now);
    if (wait > 0) return { blocked: true, code: "throttled", retryAfterSeconds: wait };
    const byAccount = await store.throttle.get(accountKey(username));
    const lock = secondsLocked(byAccount, now);
    if (lock > 0) return { blocked: true, code: "locked", retryAfterSeconds: lock };
    return { blocked: false };
  }

  /** Counts one failure against both keys, locking either that reaches its limit within the window. */
  async fail(store: Store, username: string, address: string, now: Date): Promise<void> {
    await this.count(store, accountKey(username), this.config.accountFailures, now);
    await this.count(store, addressKey(address), this.config.addressFailures, now);
  }

  /** A successful sign-in forgets the account's failures (not the address's: one success must not reset it). */
  async succeed(store: Store, username: string): Promise<void> {
    await store.throttle.clear(accountKey(username));
  }

  private async count(store: Store, key: string, limit: number, now: Date): Promise<void> {
    const old = await store.throttle.get(key);
    const windowMs = this.config.windowSeconds * 1000;
    const fresh = !old || now.getTime() - Date.parse(old.windowStart) >= windowMs;
    const failures = fresh ? 1 : old.failures + 1;
    const record: ThrottleRecord =
      failures >= limit
        ? // The count starts again after the lock, so the next lock needs as many new failures.
          {
            key,
            failures: 0,
            windowStart: now.toISOString(),
            lockedUntil: new Date(now.getTime() + this.config.lockSeconds * 1000).toISOString(),
          }
        : {
            key,
            failures,
            windowStart: fresh ? now.toISOString() : old.windowStart,
            lockedUntil: old?.lockedUntil ?? null,
          };
    await store.throttle.put(record);
  }
}

function secondsLocked(record: ThrottleRecord | undefined, now: Date): number {
  if (!record?.lockedUntil) return 0;
  const ms = Date.parse(record.lockedUntil) - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

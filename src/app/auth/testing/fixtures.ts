// Test fixtures for the identity services: the store factory, a clock tests move by hand, cheap hashing.

import type { Clock } from "../../audit.js";
import type { Store } from "../../store.js";
import { authConfig, type AuthConfig } from "../config.js";
import { createIdentity, type Identity } from "../identity.js";
import { openStore } from "../../../adapters/store/open-store.js";

/** The real store: SQLite in memory, migrated (PostgreSQL runs the same repositories in the contract suite). */
export async function makeStore(): Promise<Store> {
  return openStore({ db: ":memory:" });
}

/** argon2id at its cheapest, so that a test signs in within milliseconds. */
export const TEST_AUTH_CONFIG: AuthConfig = authConfig({
  argon2: { memoryCost: 256, timeCost: 1, parallelism: 1 },
});

export interface ManualClock extends Clock {
  advance(seconds: number): void;
  set(at: Date): void;
}

export function manualClock(start = new Date("2025-06-15T12:00:00Z")): ManualClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (seconds) => void (t += seconds * 1000),
    set: (at) => void (t = at.getTime()),
  };
}

export interface TestIdentity extends Identity {
  readonly store: Store;
  readonly clock: ManualClock;
}

export async function testIdentity(config: AuthConfig = TEST_AUTH_CONFIG): Promise<TestIdentity> {
  const store = await makeStore();
  const clock = manualClock();
  return { ...createIdentity(store, { clock, config }), store, clock };
}

export const CLIENT = { address: "192.0.2.10", userAgent: "vitest" };
export const ACTOR = { name: "cli:test" };
/** A password every rule accepts. */
export const GOOD_PASSWORD = "violet-harbor-lantern-42";

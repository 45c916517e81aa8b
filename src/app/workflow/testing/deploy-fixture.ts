// Test helper: the example organization loaded as the first approved version of an in-memory store, with a
// fixed clock, for the deployment, recertification and analysis tests.

import { AuditLog, type Clock } from "../../audit.js";
import { PolicyCache } from "../../policy-cache.js";
import type { Store } from "../../store.js";
import { PolicyVersions } from "../versions.js";
import { ACME_FILES } from "./acme-files.js";
import { testStore } from "./store.js";

export interface AcmeSetup {
  readonly store: Store;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly versions: PolicyVersions;
  readonly versionId: number;
}

/** A store holding acme as its only, approved version; the clock stands still at noon of `today`. */
export async function acmeSetup(today = "2027-06-15"): Promise<AcmeSetup> {
  const store = await testStore();
  const clock: Clock = { now: () => new Date(`${today}T12:00:00Z`) };
  const audit = new AuditLog(store, clock);
  const versions = new PolicyVersions(store, audit, clock, new PolicyCache());
  const boot = await versions.bootstrap("admin", [...ACME_FILES], "Acme, from examples/acme");
  if (!boot.ok) throw new Error(`Cannot bootstrap acme: ${boot.message}`);
  return { store, clock, audit, versions, versionId: boot.version.id };
}

// Opened policies kept in memory by version and date: a server answers many questions about the same version,
// and loading one (parse, resolve, build the exact sets) costs far more than answering a question.

import { type OpenedPolicy, openPolicy } from "./open-policy.js";
import type { PolicyFile } from "./store.js";

export class PolicyCache {
  private readonly entries = new Map<string, OpenedPolicy>();

  /** @param capacity how many (version, day) pairs stay loaded; the least recently used goes first. */
  constructor(private readonly capacity = 8) {}

  /** The policy of version `versionId` as of `today` (expiry is judged against it), loaded once. */
  open(versionId: number, files: readonly PolicyFile[], today: string): OpenedPolicy {
    const key = `${versionId}@${today}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const opened = openPolicy(files, { today });
    this.entries.set(key, opened);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return opened;
  }

  /** The version's policy if it is loaded for the day; never loads. */
  peek(versionId: number, today: string): OpenedPolicy | undefined {
    return this.entries.get(`${versionId}@${today}`);
  }

  /** Whether a version is loaded for the day (for tests and metrics). */
  has(versionId: number, today: string): boolean {
    return this.entries.has(`${versionId}@${today}`);
  }
}

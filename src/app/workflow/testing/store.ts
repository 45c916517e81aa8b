// The workflow tests' store: the real one, SQLite in memory and migrated (PostgreSQL runs the same
// repositories in the store's contract suite).

import { openStore } from "../../../adapters/store/open-store.js";
import type { Store } from "../../store.js";

export function testStore(): Promise<Store> {
  return openStore({ db: ":memory:" });
}

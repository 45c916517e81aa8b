// The store's two user-facing failures: a database that cannot be opened, and a write that clashes with a
// row already there (a duplicate username or token), which the server answers with 409.

/** The database cannot be opened or migrated: a message for the user, never a stack trace. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** A write would break a uniqueness rule: `what` names the clashing value, e.g. 'username "alice"'. */
export class StoreConflict extends Error {
  constructor(
    message: string,
    readonly what: string,
  ) {
    super(message);
    this.name = "StoreConflict";
  }
}

/** True for a unique or primary key violation, from better-sqlite3 or pg. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Runs a write; a uniqueness violation becomes a StoreConflict saying `message`. */
export async function orConflict<T>(write: () => Promise<T>, message: string, what: string): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isUniqueViolation(e)) throw new StoreConflict(message, what);
    throw e;
  }
}

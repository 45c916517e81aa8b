// Column values to and from the portable forms in the database: JSON as text, booleans as 0/1.

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T = unknown>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function fromFlag(value: number | string | boolean): boolean {
  return Number(value) !== 0;
}

/** COUNT(*) is a bigint in PostgreSQL, which pg returns as a string. */
export function toCount(value: number | string | bigint | undefined): number {
  return Number(value ?? 0);
}

// Calendar dates (YYYY-MM-DD, UTC) for expiry: checking a new one, and counting days between two.

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds at the start of the date, or undefined when it is not a real calendar date. */
function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: a date that does not come back unchanged does not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms;
}

export function isDate(text: string): boolean {
  return parseDate(text) !== undefined;
}

/** `to` minus `from` in days; both must be valid dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDate(to)! - parseDate(from)!) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(parseDate(date)! + days * DAY_MS).toISOString().slice(0, 10);
}

/** The same day a year later; 29 February becomes 28 February. */
export function addYear(date: string): string {
  const d = new Date(parseDate(date)!);
  const next = new Date(Date.UTC(d.getUTCFullYear() + 1, d.getUTCMonth(), d.getUTCDate()));
  if (next.getUTCMonth() !== d.getUTCMonth())
    return addDays(next.toISOString().slice(0, 10), -next.getUTCDate());
  return next.toISOString().slice(0, 10);
}

/**
 * Why `until` cannot be a new expiry date, or undefined when it can: it must be a real date after today and at
 * most a year ahead, so every flow comes back for review at least once a year.
 */
export function checkUntil(until: unknown, today: string): string | undefined {
  if (typeof until !== "string" || !isDate(until))
    return `Invalid date "${String(until)}": expected YYYY-MM-DD`;
  if (until <= today) return `Invalid date "${until}": it must be after today (${today})`;
  const limit = addYear(today);
  if (until > limit) return `Invalid date "${until}": at most one year ahead (${limit})`;
  return undefined;
}

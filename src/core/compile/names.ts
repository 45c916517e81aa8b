// Names and comments that fit a device: allowed characters only, and a deterministic short form.

/** FNV-1a over UTF-16 code units, as 8 hex digits: stable across runs and machines. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * The name with every character outside `allowed` replaced by "-", cut to `max` characters. A name that had
 * to be cut ends in "-" and a hash of the whole name, so two long names never collide by accident.
 */
export function deviceName(name: string, max: number, allowed = /[A-Za-z0-9_.-]/): string {
  const clean = [...name].map((c) => (allowed.test(c) ? c : "-")).join("");
  if (clean.length <= max) return clean;
  const hash = shortHash(name);
  const head = clean.slice(0, Math.max(1, max - hash.length - 1)).replace(/(.)-+$/, "$1");
  return `${head}-${hash}`;
}

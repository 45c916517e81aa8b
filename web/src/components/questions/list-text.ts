// Lists typed as text ("zone:a, asset:b") and back: how the forms and the URL hold references and services.

/** Splits on commas and whitespace; drops empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function joinList(values: readonly string[]): string {
  return values.join(", ");
}

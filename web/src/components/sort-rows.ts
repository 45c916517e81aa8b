// Sorting for DataTable, apart from React so it can be tested alone.

export type SortValue = string | number | boolean | null | undefined;
export type SortDirection = "ascending" | "descending";

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Compares two cell values; empty values sort last in both directions. */
export function compareValues(a: SortValue, b: SortValue, direction: SortDirection): number {
  const aEmpty = a === null || a === undefined || a === "";
  const bEmpty = b === null || b === undefined || b === "";
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  const c =
    typeof a === "number" && typeof b === "number"
      ? a - b
      : typeof a === "boolean" && typeof b === "boolean"
        ? Number(a) - Number(b)
        : collator.compare(String(a), String(b));
  return direction === "ascending" ? c : -c;
}

/** A new array sorted stably by `value`, leaving the input as it was. */
export function sortRows<R>(rows: readonly R[], value: (row: R) => SortValue, direction: SortDirection): R[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => compareValues(value(x.row), value(y.row), direction) || x.index - y.index)
    .map((x) => x.row);
}

// A table with sortable columns: each sortable header is a button (keyboard: Tab, Enter/Space), aria-sort says how.

import { useMemo, useState, type ReactNode } from "react";
import { sortRows, type SortDirection, type SortValue } from "./sort-rows.js";
import { Empty } from "./states.js";

export interface Column<R> {
  key: string;
  header: string;
  /** What the column sorts by; without it the column does not sort. */
  sortValue?: (row: R) => SortValue;
  /** What the cell shows; defaults to the sort value. */
  render?: (row: R) => ReactNode;
  align?: "left" | "right";
}

export interface DataTableProps<R> {
  /** Said by screen readers; shown unless captionHidden. */
  caption: string;
  captionHidden?: boolean;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string | number;
  initialSort?: { key: string; direction: SortDirection };
  empty?: ReactNode;
}

export function DataTable<R>(props: DataTableProps<R>) {
  const { columns, rows, rowKey } = props;
  const [sort, setSort] = useState(props.initialSort);
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort?.key);
    return column?.sortValue && sort ? sortRows(rows, column.sortValue, sort.direction) : rows;
  }, [rows, columns, sort]);
  if (rows.length === 0) return <Empty>{props.empty ?? "Nothing to show."}</Empty>;
  const toggle = (key: string) =>
    setSort((s) => ({
      key,
      direction: s?.key === key && s.direction === "ascending" ? "descending" : "ascending",
    }));
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className={props.captionHidden ? "visually-hidden" : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.align === "right" ? "num" : undefined}
                aria-sort={sort?.key === c.key ? sort.direction : undefined}
              >
                {c.sortValue ? (
                  <button type="button" className="sort" onClick={() => toggle(c.key)}>
                    {c.header}
                    <span aria-hidden="true" className="sort-mark">
                      {sort?.key === c.key ? (sort.direction === "ascending" ? "▲" : "▼") : "↕"}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={c.align === "right" ? "num" : undefined}>
                  {c.render ? c.render(row) : String(c.sortValue?.(row) ?? "")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

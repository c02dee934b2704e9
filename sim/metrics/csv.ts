import { stringify } from "csv-stringify/sync";

/** Formats a number for CSV: NaN becomes an empty field; 12 significant digits remove float noise. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "";
  if (Number.isInteger(x)) return String(x);
  return String(Number.parseFloat(x.toPrecision(12)));
}

/** A CSV column: a row key, or a key with a different header. */
export type Column<T> = (keyof T & string) | { readonly key: keyof T & string; readonly header: string };

/** Writes rows as CSV with a header, in the given column order. Booleans are true/false. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return stringify(rows as unknown as Record<string, unknown>[], {
    header: true,
    columns: columns.map((c) => (typeof c === "string" ? c : { key: c.key, header: c.header })),
    cast: {
      boolean: (v) => (v ? "true" : "false"),
      number: formatNumber,
    },
  });
}

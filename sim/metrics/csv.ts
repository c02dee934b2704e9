import { stringify } from "csv-stringify/sync";

/** Formats a number for CSV: NaN becomes an empty field; 12 significant digits remove float noise. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "";
  if (Number.isInteger(x)) return String(x);
  return String(Number.parseFloat(x.toPrecision(12)));
}

/** Writes rows as CSV with a header, in the given column order. Booleans are true/false. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  return stringify(rows as unknown as Record<string, unknown>[], {
    header: true,
    columns: [...columns],
    cast: {
      boolean: (v) => (v ? "true" : "false"),
      number: formatNumber,
    },
  });
}

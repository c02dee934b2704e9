/**
 * Formats a number for CSV: NaN becomes an empty field; a number is written
 * as the shortest decimal of its value rounded to 12 significant digits
 * (float noise removed), i.e. String(parseFloat(x.toPrecision(12))).
 * Integers are written as String(x). Otherwise, when toPrecision(12) gives
 * fixed notation, dropping its trailing zeros is that same string (a decimal
 * of at most 12 digits is the shortest form of the double nearest it), one
 * conversion instead of three; test/csv.test.ts holds the two equal.
 */
export function formatNumber(x: number): string {
  // Small whole numbers (counts, most of a table's cells) from a table: String(x) once each.
  if (x >= 0 && x < SMALL_INTEGERS.length && (x | 0) === x) return SMALL_INTEGERS[x]!;
  if (Number.isNaN(x)) return "";
  if (Number.isInteger(x)) return String(x);
  const p = x.toPrecision(12);
  if (p.includes("e") || !p.includes(".")) return String(Number.parseFloat(p));
  let end = p.length;
  while (p.charCodeAt(end - 1) === 48) end--; // "0"
  if (p.charCodeAt(end - 1) === 46) end--; // "."
  return end === p.length ? p : p.slice(0, end);
}

/** "0" to "1023", made once and one-byte (a string written on thousands of lines). */
const SMALL_INTEGERS: readonly string[] = Array.from({ length: 1024 }, (_, i) => String(i));

/** A CSV column: a row key, or a key with a different header. */
export type Column<T> = (keyof T & string) | { readonly key: keyof T & string; readonly header: string };

/**
 * One CSV field as csv-stringify 6 writes it with its defaults (delimiter ",",
 * quote '"', record delimiter "\n") and cosched's casts: numbers by
 * formatNumber, booleans true/false, undefined and null empty; a string is
 * quoted when it holds a quote, a comma, "\n" or "\r", its quotes doubled.
 * test/csv.test.ts holds it byte for byte to csv-stringify on hostile values.
 */
export function csvField(value: unknown): string {
  switch (typeof value) {
    case "number":
      return formatNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "";
    case "string":
      return quoted(value);
    default:
      return value === null ? "" : quoted(String(value));
  }
}

const SPECIAL = /[",\n\r]/;

function quoted(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return `"${s.includes('"') ? s.replaceAll('"', '""') : s}"`;
}

/** Writes rows as CSV with a header, in the given column order (see csvField). */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return csvHeader(columns) + csvRows(rows, columns);
}

/** The header line of `columns`, with its record delimiter. */
export function csvHeader<T extends object>(columns: readonly Column<T>[]): string {
  return `${columns.map((c) => csvField(typeof c === "string" ? c : c.header)).join(",")}\n`;
}

/**
 * The lines of `rows`, each ending in "\n". Fields are joined per row and
 * rows joined once: string concatenation field by field builds ropes that
 * cost three times as much to flatten.
 */
export function csvRows<T extends object>(rows: readonly T[], columns: readonly Column<T>[]): string {
  if (rows.length === 0) return "";
  const keys = columns.map((c) => (typeof c === "string" ? c : c.key));
  const n = keys.length;
  const parts: string[] = new Array(n);
  const lines: string[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    for (let i = 0; i < n; i++) parts[i] = csvField(row[keys[i]!]);
    lines[r] = parts.join(",");
  }
  return `${lines.join("\n")}\n`;
}

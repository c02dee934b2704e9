import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { readCsvRows } from "../workload/csv-rows.ts";
import { InputError } from "../workload/errors.ts";

export type Row = Record<string, string>;

/** Reads one of a result folder's CSVs (empty when the file does not exist and `optional`). */
export function readTable(dir: string, name: string, optional = false): Row[] {
  const file = join(dir, name);
  if (!existsSync(file)) {
    if (optional) return [];
    throw new InputError(`${dir}: no ${name} (expected the output folder of cosched run or cosched sweep)`);
  }
  return parse(readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true }) as Row[];
}

export const num = (s: string | undefined): number => (s === undefined || s === "" ? NaN : Number(s));

/** Mean of the finite values. */
export function meanOf(xs: readonly number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? NaN : ok.reduce((a, b) => a + b, 0) / ok.length;
}

/** Groups rows by a key, keeping first-seen order. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list === undefined) out.set(k, [r]);
    else list.push(r);
  }
  return out;
}

/**
 * Streams only `columns` of a (possibly large) CSV written by cosched (no
 * quoted fields in those columns); empty when the file does not exist.
 */
export function readColumns(dir: string, name: string, columns: readonly string[]): Row[] {
  const file = join(dir, name);
  if (!existsSync(file)) return [];
  const rows: Row[] = [];
  for (const row of readCsvRows(file, columns, { allowQuotes: true })) {
    const r: Row = {};
    columns.forEach((c, i) => (r[c] = row.text(i)));
    rows.push(r);
  }
  return rows;
}

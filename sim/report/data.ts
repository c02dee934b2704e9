import { parse } from "csv-parse";
import { findTable, openTable, type Table } from "../output/tables.ts";
import { InputError } from "../workload/errors.ts";

export type Row = Record<string, string>;

/**
 * Streams a table of a result folder (plain or .gz) through csv-parse,
 * keeping only `columns` (all when absent; `param.*` columns are always
 * kept). Undefined when the folder has no such table.
 */
export async function readTable(dir: string, table: Table, columns?: readonly string[]): Promise<Row[] | undefined> {
  const file = findTable(dir, table);
  if (file === undefined) return undefined;
  const rows: Row[] = [];
  let names: string[] | undefined;
  let picked: number[] = [];
  try {
    for await (const record of openTable(file).pipe(parse({ relax_column_count: false, skip_empty_lines: true }))) {
      const fields = record as string[];
      if (names === undefined) {
        names = fields;
        picked = fields.flatMap((name, i) => (columns === undefined || columns.includes(name) || name.startsWith("param.") ? [i] : []));
        continue;
      }
      const row: Row = {};
      for (const i of picked) row[names[i]!] = fields[i] ?? "";
      rows.push(row);
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code?.startsWith("CSV_") || e.code === "Z_DATA_ERROR") throw new InputError(`${file}${e.lines ? `:${e.lines}` : ""}: cannot read it as CSV (${e.message ?? e.code})`);
    throw err;
  }
  return rows;
}

export const num = (s: string | undefined): number => (s === undefined || s === "" ? NaN : Number(s));

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

/** The swept parameter columns of a table. */
export const paramColumns = (rows: readonly Row[]): string[] => Object.keys(rows[0] ?? {}).filter((c) => c.startsWith("param."));

/**
 * Labels a row with its setting: the scenario and the swept values that vary
 * among that scenario's rows ("contention-1k · workload.rate=15"). Runs of
 * one setting differ only in seed, so they may be averaged; different
 * settings never are. Swept values that are the same for every run of a
 * scenario are left out of the label (see fixedSettings). `exclude` drops a
 * path from labels (the x axis of a chart).
 */
export function settingLabeler(rows: readonly Row[], exclude?: string): (row: Row) => string {
  const params = paramColumns(rows).filter((p) => p !== exclude);
  const varying = new Map<string, string[]>();
  for (const [scenario, list] of groupBy(rows, (r) => r.scenario ?? "")) {
    varying.set(scenario, params.filter((p) => new Set(list.map((r) => r[p] ?? "")).size > 1));
  }
  return (row) => [row.scenario ?? "", ...(varying.get(row.scenario ?? "") ?? []).map((p) => `${p.slice("param.".length)}=${row[p] ?? ""}`)].join(" · ");
}

/** Swept values that are the same for every run of a scenario: "contention-1k: cluster.count=100, horizon=600". */
export function fixedSettings(rows: readonly Row[]): string[] {
  const params = paramColumns(rows);
  const notes: string[] = [];
  for (const [scenario, list] of groupBy(rows, (r) => r.scenario ?? "")) {
    const fixed = params.filter((p) => new Set(list.map((r) => r[p] ?? "")).size === 1 && (list[0]![p] ?? "") !== "");
    if (fixed.length > 0) notes.push(`${scenario}: ${fixed.map((p) => `${p.slice("param.".length)}=${list[0]![p]}`).join(", ")}`);
  }
  return notes;
}

import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CLASS_COLUMNS, DEADLOCK_COLUMNS, GROUP_COLUMNS, RUN_COLUMNS, SCHEDULER_COLUMNS, TIMESERIES_COLUMNS } from "../metrics/columns.ts";
import { csvHeader, csvRows, type Column } from "../metrics/csv.ts";
import { CsvBytes, fieldBytes } from "../metrics/csv-bytes.ts";
import type { RunTables } from "../metrics/report.ts";
import { InputError } from "../workload/errors.ts";
import { BufferedFile } from "./buffered-file.ts";

/** Rows per string: a few tens of kilobytes, small enough to die young. */
const CHUNK_ROWS = 256;
/** Rows of groups.csv per chunk of bytes (a few hundred kilobytes, in one reused buffer). */
export const BYTE_CHUNK_ROWS = 2048;

/** The tables every run writes, in file order. */
export const TABLES = ["groups", "runs", "timeseries", "deadlocks", "schedulers", "classes"] as const;
export type Table = (typeof TABLES)[number];

/** `groups.csv`, or `groups.csv.gz` when compressed (pandas reads both as they are). */
export const tableFile = (table: Table, compress: boolean): string => `${table}.csv${compress ? ".gz" : ""}`;
/** Every table file name, in both forms. */
export const ALL_TABLE_FILES: readonly string[] = TABLES.flatMap((t) => [tableFile(t, false), tableFile(t, true)]);

/**
 * The file of `table` in an output folder, plain or compressed; undefined if
 * neither exists. Both at once is ambiguous, and an error.
 */
export function findTable(dir: string, table: Table): string | undefined {
  const plain = join(dir, tableFile(table, false));
  const gz = join(dir, tableFile(table, true));
  const hasPlain = existsSync(plain);
  const hasGz = existsSync(gz);
  if (hasPlain && hasGz) throw new InputError(`${dir}: holds both ${table}.csv and ${table}.csv.gz; remove the stale one`);
  return hasPlain ? plain : hasGz ? gz : undefined;
}

/** A table file's bytes as text, decompressed when it is gzip. */
export function openTable(file: string): Readable {
  const raw = createReadStream(file);
  return file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
}

/** The columns of groups.csv's lines, and the bytes of the fields a sweep's `params` add at the end of each (as TableWriter.append writes them). */
export function groupLineFormat(params: Readonly<Record<string, string>> = {}): { readonly columns: typeof GROUP_COLUMNS; readonly extra: readonly Uint8Array[] } {
  return { columns: GROUP_COLUMNS, extra: Object.keys(params).map((name) => fieldBytes(params[name]!)) };
}

/**
 * Appends runs' tables to CSV files in a folder; a table's header is written
 * when its file is created (so runs appended by several writers, one after
 * another, share one header). Compressed files get one gzip member per
 * megabyte written (a multi-member gzip file, which gzip, zlib and pandas
 * read as one stream).
 */
export class TableWriter {
  /** `header` false: files are created without their header (a run written apart, to be concatenated after the first). */
  constructor(
    private readonly dir: string,
    private readonly compress: boolean,
    private readonly header = true,
  ) {}

  /** Writes rows, a few hundred lines per string, so no string grows with the table (a million-group run writes as a small one does). */
  private write<T extends object>(table: Table, rows: readonly T[], columns: readonly Column<T>[]): void {
    this.writeChunks(table, csvHeader(columns), rows.length, (from, to) => csvRows(rows.slice(from, to), columns));
  }

  /** Writes `count` rows, `lines(from, to)` giving the CSV lines of rows [from, to) as text or bytes, `chunk` rows at a time; the header if the file is new. */
  private writeChunks(table: Table, header: string, count: number, lines: (from: number, to: number) => string | Uint8Array, chunk = CHUNK_ROWS): void {
    const file = join(this.dir, tableFile(table, this.compress));
    const exists = existsSync(file);
    const out = new BufferedFile(file, exists, this.compress);
    try {
      if (!exists && this.header) out.write(header);
      for (let at = 0; at < count; at += chunk) out.write(lines(at, Math.min(count, at + chunk)));
    } finally {
      out.close();
    }
  }

  /**
   * Appends one run's tables. `params` (a sweep's swept values by scenario
   * path) become extra columns `param.<path>` at the end of every row.
   */
  append(tables: RunTables, params: Readonly<Record<string, string>> = {}): void {
    // Swept paths contain dots, which csv-stringify would read as nested keys: rows carry them as __p0, __p1, ...
    const names = Object.keys(params);
    const extra: Record<string, string> = {};
    names.forEach((name, i) => (extra[`__p${i}`] = params[name]!));
    const extend = <T extends object>(rows: readonly T[]): (T & Record<string, string>)[] => (names.length === 0 ? (rows as (T & Record<string, string>)[]) : rows.map((r) => ({ ...r, ...extra })));
    const cols = <C extends string>(columns: readonly C[]): Column<Record<string, unknown>>[] => [...columns, ...names.map((name, i) => ({ key: `__p${i}`, header: `param.${name}` }))];
    // groups.csv straight from its columns into bytes: no row objects, no strings per field.
    const groups = tables.groupTable;
    const format = groupLineFormat(params);
    const bytes = new CsvBytes();
    const lines = (from: number, to: number): Uint8Array => {
      bytes.reset();
      groups.csvBytes(format.columns, from, to, format.extra, bytes);
      return bytes.view();
    };
    this.writeChunks("groups", csvHeader(cols(GROUP_COLUMNS)), groups.length, lines, BYTE_CHUNK_ROWS);
    this.write("runs", extend([tables.run]), cols(RUN_COLUMNS));
    this.write("timeseries", extend(tables.timeseries), cols(TIMESERIES_COLUMNS));
    this.write("deadlocks", extend(tables.deadlocks), cols(DEADLOCK_COLUMNS));
    this.write("schedulers", extend(tables.schedulers), cols(SCHEDULER_COLUMNS));
    this.write("classes", extend(tables.classes), cols(CLASS_COLUMNS));
  }
}

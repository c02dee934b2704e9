import { readCsvRecords } from "./csv-records.ts";
import { InputError } from "./errors.ts";

/** One data row of a trace CSV, with accessors that fail with file, line and column. */
export class Row {
  constructor(
    readonly file: string,
    readonly lineNo: number,
    private readonly names: readonly string[],
    private readonly positions: readonly number[],
    private readonly fields: readonly string[],
  ) {}

  private where(column: number): string {
    return `${this.file}:${this.lineNo}: column ${(this.positions[column] ?? column) + 1} (${this.names[column] ?? "?"})`;
  }

  text(column: number): string {
    return this.fields[column] ?? "";
  }

  /** A finite number >= 0; `empty` is returned for an empty field when given. */
  number(column: number, empty?: number): number {
    const raw = this.text(column).trim();
    if (raw === "" && empty !== undefined) return empty;
    const x = Number(raw);
    if (raw === "" || !Number.isFinite(x) || x < 0) throw new InputError(`${this.where(column)}: expected a non-negative number, got "${raw}"`);
    return x;
  }

  fail(column: number, message: string): never {
    throw new InputError(`${this.where(column)}: ${message}`);
  }
}

/**
 * Streams a CSV file (read with csv-parse), checking the header has
 * `columns` (in any order, extra columns allowed), or, with `header: false`,
 * taking the columns in order. Yields rows whose fields are indexed by
 * `columns` order.
 */
export function* readCsvRows(file: string, columns: readonly string[], options: { header?: boolean } = {}): Generator<Row> {
  const hasHeader = options.header ?? true;
  let index: number[] | undefined = hasHeader ? undefined : columns.map((_, i) => i);
  let width = hasHeader ? 0 : columns.length;
  for (const { fields, lineNo } of readCsvRecords(file)) {
    if (fields.length === 1 && fields[0]!.trim() === "") continue; // a line of blanks
    if (index === undefined) {
      index = columns.map((c) => fields.indexOf(c));
      const missing = columns.filter((_, i) => index![i]! < 0);
      if (missing.length > 0) throw new InputError(`${file}:${lineNo}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (expected ${columns.join(",")})`);
      width = Math.max(...index) + 1;
      continue;
    }
    if (fields.length < width) throw new InputError(`${file}:${lineNo}: expected ${width} fields, got ${fields.length}`);
    yield new Row(file, lineNo, columns, index, index.map((i) => fields[i] ?? ""));
  }
  if (index === undefined) throw new InputError(`${file}: empty file (expected a header ${columns.join(",")})`);
}

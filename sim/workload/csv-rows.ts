import { InputError } from "./errors.ts";
import { readLines } from "./lines.ts";

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
 * Streams a headered CSV file whose fields hold no quotes or commas (the
 * trace formats), checking the header has `columns` (in any order, extra
 * columns allowed). Yields rows whose fields are indexed by `columns` order.
 */
export function* readCsvRows(file: string, columns: readonly string[], options: { header?: boolean; allowQuotes?: boolean } = {}): Generator<Row> {
  const hasHeader = options.header ?? true;
  let index: number[] | undefined = hasHeader ? undefined : columns.map((_, i) => i);
  for (const { line, lineNo } of readLines(file)) {
    if (line.trim() === "") continue;
    if (!options.allowQuotes && line.includes('"')) throw new InputError(`${file}:${lineNo}: quoted fields are not supported in this trace format`);
    const fields = line.split(",");
    if (index === undefined) {
      index = columns.map((c) => fields.indexOf(c));
      const missing = columns.filter((_, i) => index![i]! < 0);
      if (missing.length > 0) throw new InputError(`${file}:${lineNo}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (expected ${columns.join(",")})`);
      continue;
    }
    const picked = index.map((i) => fields[i] ?? "");
    if (fields.length < Math.max(...index) + 1) {
      throw new InputError(`${file}:${lineNo}: expected ${Math.max(...index) + 1} fields, got ${fields.length}`);
    }
    yield new Row(file, lineNo, columns, index, picked);
  }
  if (index === undefined) throw new InputError(`${file}: empty file (expected a header ${columns.join(",")})`);
}

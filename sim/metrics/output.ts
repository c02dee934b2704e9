import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../workload/errors.ts";
import { toCsv, type Column } from "./csv.ts";

/** Writes a file through a temp name and a rename: readers never see it half written. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * An output folder written atomically: everything goes into a sibling temp
 * folder, which replaces the target only on commit. On abort (or a crash) no
 * partial target is left behind.
 */
export class OutputFolder {
  readonly target: string;
  readonly temp: string;
  private readonly started = new Set<string>();
  private closed = false;

  constructor(dir: string) {
    this.target = resolve(dir);
    this.temp = join(dirname(this.target), `.${basename(this.target)}.tmp-${process.pid}-${Date.now()}`);
    try {
      mkdirSync(this.temp, { recursive: true });
    } catch (err) {
      // Where the output goes is the user's choice: a bad place is bad input.
      throw new InputError(`${dir}: cannot create the output folder here (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  /** Appends rows to a CSV file of the folder; the header is written with the first rows. */
  appendCsv<T extends object>(name: string, rows: readonly T[], columns: readonly Column<T>[]): void {
    const file = join(this.temp, name);
    if (!this.started.has(name)) {
      this.started.add(name);
      writeFileSync(file, toCsv(rows, columns));
    } else if (rows.length > 0) {
      const text = toCsv(rows, columns);
      appendFileSync(file, text.slice(text.indexOf("\n") + 1));
    }
  }

  writeJson(name: string, value: unknown): void {
    writeFileSync(join(this.temp, name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Moves the folder into place, replacing any previous output there. */
  commit(): void {
    if (this.closed) throw new Error("output folder already closed");
    this.closed = true;
    if (existsSync(this.target)) {
      const old = `${this.temp}.old`;
      renameSync(this.target, old);
      renameSync(this.temp, this.target);
      rmSync(old, { recursive: true, force: true });
    } else {
      mkdirSync(dirname(this.target), { recursive: true });
      renameSync(this.temp, this.target);
    }
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    rmSync(this.temp, { recursive: true, force: true });
  }
}

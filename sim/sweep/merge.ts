import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { findTable, tableFile, TABLES } from "../output/tables.ts";
import { tempName } from "../output/temp.ts";
import { InputError } from "../workload/errors.ts";
import { isComplete, runFolder } from "./execute.ts";
import type { SweepTask } from "./spec.ts";

/** The header record of a CSV text, as written (with its line break), found with csv-parse. */
export function headerOf(text: string, file: string): string {
  for (let size = 1 << 16; ; size *= 4) {
    const piece = text.slice(0, size);
    const [first] = parse(piece, { raw: true, to: 1, relax_column_count: true }) as unknown as { raw: string }[];
    if (first === undefined) throw new InputError(`${file}: empty table (expected a header row)`);
    if (first.raw.endsWith("\n") || piece.length === text.length) return first.raw;
  }
}

function readTableText(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

/**
 * Concatenates the runs' CSVs into `out`/<table>.csv (or .csv.gz), in the
 * sweep's task order (so the result does not depend on workers, shards or
 * completion order). All or nothing: every table is written to a temp file
 * first, and only when all are whole are they renamed into place. Run
 * folders are looked up in `sources` (the output folders of shards).
 * Returns the names written. Yields to the event loop between runs, so an
 * interrupt is handled at once (its temp files are owned, and removed).
 */
export async function mergeRuns(out: string, tasks: readonly SweepTask[], sources: readonly string[], compress = false): Promise<string[]> {
  const folders = tasks.map((task) => {
    const found = sources.map((s) => runFolder(s, task.runId)).find((f) => isComplete(f));
    if (found === undefined) throw new InputError(`run ${task.runId} (${task.strategy}, seed ${task.seed}, ${task.overrides.join(" ") || "no overrides"}) is missing from ${sources.join(", ")}`);
    return found;
  });
  const temps: [string, string][] = [];
  try {
    for (const table of TABLES) {
      const temp = join(out, tempName());
      temps.push([temp, join(out, tableFile(table, compress))]);
      const fd = openSync(temp, "w");
      try {
        let header: string | undefined;
        for (const folder of folders) {
          const file = findTable(folder, table)!;
          const text = readTableText(file);
          const head = headerOf(text, file);
          if (header === undefined) header = head;
          else if (head !== header) throw new InputError(`${file}: its columns differ from the other runs' (${head.trim()})`);
          const body = folder === folders[0] ? text : text.slice(head.length);
          if (body.length > 0) {
            if (compress) writeSync(fd, gzipSync(body));
            else writeSync(fd, body);
          }
          await new Promise<void>((turn) => setImmediate(turn)); // a signal gets its turn between runs
        }
      } finally {
        closeSync(fd);
      }
    }
  } catch (err) {
    for (const [temp] of temps) rmSync(temp, { force: true });
    throw err;
  }
  for (const [temp, target] of temps) renameSync(temp, target);
  return temps.map(([, target]) => target.slice(out.length + 1));
}

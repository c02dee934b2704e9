import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { TABLE_FILES } from "../metrics/report.ts";
import { InputError } from "../workload/errors.ts";
import { runFolder } from "./execute.ts";
import type { SweepTask } from "./spec.ts";

/**
 * Concatenates the runs' CSVs into `out`/<table>.csv, in the sweep's task
 * order (so the result does not depend on workers, shards or completion
 * order), each file written to a temp name and renamed into place. Run
 * folders are looked up in `sources` (the output folders of shards).
 */
export function mergeRuns(out: string, tasks: readonly SweepTask[], sources: readonly string[]): void {
  const folders = tasks.map((task) => {
    const found = sources.map((s) => runFolder(s, task.runId)).find((f) => existsSync(join(f, "runs.csv")));
    if (found === undefined) throw new InputError(`run ${task.runId} (${task.strategy}, seed ${task.seed}, ${task.overrides.join(" ") || "no overrides"}) is missing from ${sources.join(", ")}`);
    return found;
  });
  for (const table of TABLE_FILES) {
    const target = join(out, table);
    const temp = `${target}.tmp-${process.pid}`;
    const fd = openSync(temp, "w");
    try {
      let header: string | undefined;
      for (const folder of folders) {
        const text = readFileSync(join(folder, table), "utf8");
        const nl = text.indexOf("\n");
        const head = text.slice(0, nl + 1);
        if (header === undefined) {
          header = head;
          writeSync(fd, header);
        } else if (head !== header) {
          throw new InputError(`${join(folder, table)}: its columns differ from the other runs' (${head.trim()})`);
        }
        writeSync(fd, text.slice(nl + 1));
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  }
}

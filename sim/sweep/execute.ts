import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { executeRunJob, type JobResult } from "../execute/job.ts";
import { writeFolderAtomic } from "../output/atomic.ts";
import { findTable, TABLES } from "../output/tables.ts";
import type { WorkloadReuse } from "../workload/reuse.ts";
import { loadScenario } from "../workload/scenario.ts";
import type { SweepTask } from "./spec.ts";

/** What one sweep run reports back. */
export interface TaskResult {
  readonly runId: string;
  readonly events: number;
  readonly wallMs: number;
}

export function runFolder(out: string, runId: string): string {
  return join(out, "runs", runId);
}

/** A run is complete when its folder holds every table (plain or compressed); folders are renamed into place only when whole. */
export function isComplete(folder: string): boolean {
  try {
    return TABLES.every((t) => findTable(folder, t) !== undefined);
  } catch {
    return false; // both forms of a table: not a folder cosched wrote whole
  }
}

/**
 * Runs one task and writes its CSVs (with the swept values as extra columns)
 * atomically to runs/<run_id>/. `reuse`: the thread's last workload, taken by
 * a task of the same grid point and seed (another strategy's).
 */
export function executeTask(out: string, task: SweepTask, compress = false, reuse?: WorkloadReuse): TaskResult {
  const scenario = loadScenario(task.scenario, task.overrides, "grid point");
  const folder = runFolder(out, task.runId);
  // An incomplete folder of this run (a file lost since) is cosched's own: it is redone.
  if (existsSync(folder)) rmSync(folder, { recursive: true, force: true });
  let result: JobResult | undefined;
  writeFolderAtomic(folder, (temp) => {
    result = executeRunJob({ scenario, strategy: task.strategy, seed: task.seed, check: false, dir: temp, compress, params: task.params }, reuse ? { reuse } : {});
    if (result.runId !== task.runId) throw new Error(`sweep: run id changed for ${task.scenario} ${task.strategy} ${task.seed}`);
  });
  return { runId: task.runId, events: result!.events, wallMs: result!.wallMs };
}

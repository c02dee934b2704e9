import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { OutputFolder } from "../metrics/output.ts";
import { appendTables, summarize } from "../metrics/report.ts";
import { runOnce } from "../runner.ts";
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

/** A run is complete once its folder exists: it is renamed into place only when whole. */
export function isComplete(out: string, runId: string): boolean {
  return existsSync(join(runFolder(out, runId), "runs.csv"));
}

/** Removes temp folders left by runs that were in flight when a sweep was killed. */
export function removeStaleTemps(out: string): void {
  const runs = join(out, "runs");
  if (!existsSync(runs)) return;
  for (const name of readdirSync(runs)) if (name.includes(".tmp-")) rmSync(join(runs, name), { recursive: true, force: true });
}

/** Runs one task and writes its CSVs (with the swept values as extra columns) atomically to runs/<run_id>/. */
export function executeTask(out: string, task: SweepTask): TaskResult {
  const scenario = loadScenario(task.scenario, task.overrides);
  const result = runOnce(scenario, task.strategy, task.seed);
  if (result.runId !== task.runId) throw new Error(`sweep: run id changed for ${task.scenario} ${task.strategy} ${task.seed}`);
  const folder = new OutputFolder(runFolder(out, task.runId));
  try {
    appendTables(folder, summarize(result), task.params);
    folder.commit();
  } catch (err) {
    folder.abort();
    throw err;
  }
  return { runId: task.runId, events: result.events, wallMs: result.wallMs };
}

import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileAtomic } from "../metrics/output.ts";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import { onInterrupt } from "../cli/interrupt.ts";
import { createProgress } from "../cli/progress.ts";
import { InputError } from "../workload/errors.ts";
import { executeTask, isComplete, removeStaleTemps, type TaskResult } from "./execute.ts";
import { mergeRuns } from "./merge.ts";
import { unwrapReply, type WorkerReply } from "./worker.ts";
import { shardTasks, type Sweep, type SweepTask } from "./spec.ts";

const WORKER = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/sweep-worker.js");

export interface SweepOptions {
  readonly out: string;
  readonly workers?: number;
  /** Run only shard I of N (1-based); sharded runs do not merge. */
  readonly shard?: [number, number];
  readonly quiet?: boolean;
}

export interface SweepSummary {
  readonly total: number;
  readonly ran: number;
  readonly skipped: number;
  readonly merged: boolean;
}

/** The sweep's plan, saved next to its runs so shards can be merged without the sweep file. */
interface Plan {
  readonly name: string;
  readonly paramColumns: readonly string[];
  readonly tasks: readonly SweepTask[];
}

export function readPlan(dir: string): Plan {
  try {
    return JSON.parse(readFileSync(join(dir, "sweep.json"), "utf8")) as Plan;
  } catch {
    throw new InputError(`${dir}: not a sweep output folder (no readable sweep.json)`);
  }
}

/**
 * Runs a sweep: every (scenario, overrides, strategy, seed) not already
 * complete in `out`, on a pool of worker threads (one run per task), then
 * merges all runs' CSVs into `out` in sweep order. Rerunning resumes.
 */
export async function runSweep(sweep: Sweep, options: SweepOptions): Promise<SweepSummary> {
  const out = resolve(options.out);
  mkdirSync(join(out, "runs"), { recursive: true });
  removeStaleTemps(out);
  const plan: Plan = { name: sweep.name, paramColumns: sweep.paramColumns, tasks: sweep.tasks };
  writeFileAtomic(join(out, "sweep.json"), `${JSON.stringify(plan, null, 1)}\n`);
  const mine = options.shard === undefined ? sweep.tasks : shardTasks(sweep.tasks, options.shard);
  const todo = mine.filter((t) => !isComplete(out, t.runId));
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), todo.length || 1));
  const progress = createProgress(`sweep ${sweep.name}`, todo.length, { quiet: options.quiet ?? false });
  let done = 0;
  let events = 0;
  const started = Date.now();
  const finished = (r: TaskResult): void => {
    done++;
    events += r.events;
    progress.update(done, `${Math.round(events / Math.max(0.001, (Date.now() - started) / 1000))} events/s`);
  };
  const pool = workers === 1 ? undefined : new Tinypool({ filename: WORKER, minThreads: workers, maxThreads: workers });
  // Interrupted: stop the workers, then remove the temp folders of the runs they had in flight;
  // finished runs stay for a resume.
  const unregister = onInterrupt(async () => {
    await pool?.destroy();
    removeStaleTemps(out);
    for (const name of readdirSync(out)) if (name.includes(".tmp-")) rmSync(join(out, name), { recursive: true, force: true });
  });
  try {
    if (pool === undefined) {
      for (const task of todo) {
        finished(executeTask(out, task));
        await new Promise<void>((turn) => setImmediate(turn)); // lets a signal in between runs
      }
    } else {
      try {
        await Promise.all(todo.map((task) => pool.run({ out, task }).then((reply: WorkerReply) => finished(unwrapReply(reply)))));
      } finally {
        await pool.destroy();
      }
    }
    const merged = options.shard === undefined;
    if (merged) mergeRuns(out, sweep.tasks, [out]);
  } finally {
    unregister();
    progress.stop();
  }
  const merged = options.shard === undefined;
  return { total: mine.length, ran: todo.length, skipped: mine.length - todo.length, merged };
}

/** Merges the output folders of shards of one sweep into `out`. */
export function mergeShards(dirs: readonly string[], out: string): number {
  if (dirs.length === 0) throw new InputError("merge: expected at least one sweep output folder");
  const plans = dirs.map((d) => ({ dir: d, plan: readPlan(d) }));
  const ids = (p: Plan) => p.tasks.map((t) => t.runId).join(",");
  const first = plans[0]!.plan;
  for (const { dir, plan } of plans) {
    if (ids(plan) !== ids(first)) throw new InputError(`${dir}: it holds shards of a different sweep than ${plans[0]!.dir}`);
  }
  mkdirSync(out, { recursive: true });
  mergeRuns(out, first.tasks, dirs.map((d) => resolve(d)));
  writeFileAtomic(join(out, "sweep.json"), `${JSON.stringify(first, null, 1)}\n`);
  return first.tasks.length;
}

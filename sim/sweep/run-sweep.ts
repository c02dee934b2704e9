import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import Tinypool from "tinypool";
import { onInterrupt } from "../process/interrupt.ts";
import { createProgress } from "../process/progress.ts";
import { makeFolder, removeEmpty, writeFileAtomic } from "../output/atomic.ts";
import { manifestPath, provenance } from "../output/manifest.ts";
import { fileDigest } from "../workload/inputs.ts";
import { claimFolder, inspectFolder, MANIFEST, recordManifest } from "../output/ownership.ts";
import { ALL_TABLE_FILES, tableFile, TABLES } from "../output/tables.ts";
import { removeTemps } from "../output/temp.ts";
import { ROOT } from "../paths.ts";
import { InputError } from "../workload/errors.ts";
import { isComplete, runFolder, type TaskResult } from "./execute.ts";
import { mergeRuns } from "./merge.ts";
import { unwrapReply, type WorkerReply } from "./worker.ts";
import { shardTasks, type Sweep, type SweepTask } from "./spec.ts";

const WORKER = join(ROOT, "bin/sweep-worker.js");
/** What a sweep writes into its folder. */
const SWEEP_WRITES = [...ALL_TABLE_FILES, "runs", "sweep.json", MANIFEST];

export interface SweepOptions {
  readonly out: string;
  readonly workers?: number;
  /** Run only shard I of N (1-based); sharded runs do not merge. */
  readonly shard?: [number, number];
  readonly quiet?: boolean;
  /** Write into a folder holding files cosched did not write (never replacing them). */
  readonly force?: boolean;
  /** Write *.csv.gz (runs and merged tables). */
  readonly compress?: boolean;
  /** The command line, for the manifest. */
  readonly command?: readonly string[];
  /** Where progress and notes go (default stderr). */
  readonly log?: (line: string) => void;
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

/** The manifest fields of a sweep or merge: the command, seeds, strategies and scenario files, never their contents. */
function sweepFields(kind: "sweep" | "merge", plan: Plan, out: string, command: readonly string[] | undefined, compress: boolean): Record<string, unknown> {
  const files = [...new Set(plan.tasks.map((t) => t.scenario))];
  return {
    kind,
    ...provenance(command),
    sweep: plan.name,
    compressed: compress,
    runs: plan.tasks.length,
    strategies: [...new Set(plan.tasks.map((t) => t.strategy))],
    seeds: [...new Set(plan.tasks.map((t) => t.seed))].sort((a, b) => a - b),
    scenarios: files.map((file) => ({ file: manifestPath(file, out), sha256: fileDigest(file).sha256 })),
  };
}

/** After writing merged tables in one form, the other form (cosched's own, stale now) goes. */
function dropOtherForm(out: string, compress: boolean): void {
  const state = inspectFolder(out);
  if (state.kind !== "owned") return;
  for (const t of TABLES) if (state.files.includes(tableFile(t, !compress))) rmSync(join(out, tableFile(t, !compress)), { force: true });
}

/**
 * Runs a sweep: every (scenario, overrides, strategy, seed) not already
 * complete in `out`, on a pool of worker threads (one run per task), then
 * merges all runs' CSVs into `out` in sweep order. Rerunning resumes. The
 * folder must be new, empty or cosched's own; shards may share it.
 */
export async function runSweep(sweep: Sweep, options: SweepOptions): Promise<SweepSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const compress = options.compress ?? false;
  claimFolder(options.out, { flag: "--out", force: options.force ?? false, writes: SWEEP_WRITES });
  const out = resolve(options.out);
  makeFolder(out, "--out");
  const plan: Plan = { name: sweep.name, paramColumns: sweep.paramColumns, tasks: sweep.tasks };
  const fields = sweepFields("sweep", plan, out, options.command, compress);
  recordManifest(out, { fields, files: [] }); // claims the folder first, so shards starting later see it as cosched's
  mkdirSync(join(out, "runs"), { recursive: true });
  removeTemps(out, "stale");
  removeTemps(join(out, "runs"), "stale");
  writeFileAtomic(join(out, "sweep.json"), `${JSON.stringify(plan, null, 1)}\n`);
  recordManifest(out, { fields, files: ["runs", "sweep.json"] });
  const mine = options.shard === undefined ? sweep.tasks : shardTasks(sweep.tasks, options.shard);
  const todo = mine.filter((t) => !isComplete(runFolder(out, t.runId)));
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), todo.length || 1));
  const skipped = mine.length - todo.length;
  if (!options.quiet) log(`sweep ${sweep.name}: ${mine.length} runs${options.shard ? ` in shard ${options.shard[0]}/${options.shard[1]}` : ""}, ${skipped} already complete, ${todo.length} to run on ${workers} worker${workers > 1 ? "s" : ""}`);
  const progress = createProgress(`sweep ${sweep.name}`, todo.length, { quiet: options.quiet ?? false, unit: "runs" });
  let done = 0;
  let events = 0;
  const started = Date.now();
  const finished = (r: TaskResult): void => {
    done++;
    events += r.events;
    progress.update(done, `${Math.round(events / Math.max(0.001, (Date.now() - started) / 1000))} events/s`);
  };
  // Runs go to worker threads even with one worker, so Ctrl-C is honoured at once whatever a run is doing.
  const pool = new Tinypool({ filename: WORKER, minThreads: workers, maxThreads: workers });
  // Interrupted: stop the workers, then remove the temp folders of the runs this process had in flight
  // (never another shard's); finished runs stay for a resume.
  const unregister = onInterrupt(async () => {
    await pool.destroy();
    const removed = removeTemps(join(out, "runs"), "mine").length + removeTemps(out, "mine").length;
    // Counted on disk: a worker may have finished a run whose reply never arrived.
    const kept = mine.filter((t) => isComplete(runFolder(out, t.runId))).length;
    return `kept ${kept} complete runs of ${mine.length} in ${options.out} (rerun the same command to resume); removed ${removed} in flight`;
  });
  try {
    try {
      await Promise.all(todo.map((task) => pool.run({ out, task, compress }).then((reply: WorkerReply) => finished(unwrapReply(reply)))));
    } finally {
      await pool.destroy();
    }
    if (options.shard === undefined) {
      const written = await mergeRuns(out, sweep.tasks, [out], compress);
      dropOtherForm(out, compress);
      recordManifest(out, { fields, files: written, dropCharts: true });
    }
  } finally {
    unregister();
    progress.stop();
  }
  return { total: mine.length, ran: todo.length, skipped, merged: options.shard === undefined };
}

/** Merges the output folders of shards of one sweep into `out` (new, empty or cosched's own). */
export async function mergeShards(dirs: readonly string[], out: string, options: { force?: boolean; compress?: boolean; command?: readonly string[] } = {}): Promise<number> {
  if (dirs.length === 0) throw new InputError("merge: expected at least one sweep output folder");
  const plans = dirs.map((d) => ({ dir: d, plan: readPlan(d) }));
  const ids = (p: Plan) => p.tasks.map((t) => t.runId).join(",");
  const first = plans[0]!.plan;
  for (const { dir, plan } of plans) {
    if (ids(plan) !== ids(first)) throw new InputError(`${dir}: it holds shards of a different sweep than ${plans[0]!.dir}`);
  }
  const compress = options.compress ?? false;
  claimFolder(out, { flag: "--out", force: options.force ?? false, writes: [...ALL_TABLE_FILES, "sweep.json", MANIFEST] });
  const target = resolve(out);
  const created = makeFolder(target, "--out");
  const unregister = onInterrupt(() => {
    removeTemps(target, "mine");
    return "the merge was stopped; the earlier merged tables are as they were";
  });
  let written: string[];
  try {
    written = await mergeRuns(target, first.tasks, dirs.map((d) => resolve(d)), compress);
  } catch (err) {
    removeEmpty(created);
    throw err;
  } finally {
    unregister();
  }
  writeFileAtomic(join(target, "sweep.json"), `${JSON.stringify(first, null, 1)}\n`);
  dropOtherForm(target, compress);
  const same = dirs.length === 1 && resolve(dirs[0]!) === target;
  recordManifest(target, { fields: sweepFields(same ? "sweep" : "merge", first, target, options.command, compress), files: [...written, "sweep.json"], dropCharts: true });
  return first.tasks.length;
}

import { formatDuration } from "../process/progress.ts";
import { mergeShards, runSweep } from "../sweep/run-sweep.ts";
import { isComplete, runFolder } from "../sweep/execute.ts";
import { loadSweep, parseShard, shardFromEnv, shardTasks, type Sweep } from "../sweep/spec.ts";
import { estimateSeconds, formatBytes, memoryBudget } from "../workload/estimate.ts";
import { availableParallelism } from "node:os";
import { relative, resolve } from "node:path";
import { checkWorkers, parseBytes } from "./args.ts";

export interface SweepArgs {
  readonly file: string;
  readonly out?: string | undefined;
  readonly workers?: number | undefined;
  readonly shard?: string | undefined;
  readonly maxMemory?: string | undefined;
  readonly dryRun: boolean;
  readonly quiet: boolean;
  readonly force: boolean;
  readonly compress: boolean;
  readonly command: readonly string[];
}

/** `cosched sweep`: runs (or, with --dry-run, plans) a sweep. */
export async function sweepCommand(argv: SweepArgs): Promise<void> {
  checkWorkers(argv.workers);
  const shard = argv.shard !== undefined ? parseShard(argv.shard) : shardFromEnv(process.env);
  const budget = memoryBudget(argv.maxMemory !== undefined ? parseBytes(argv.maxMemory, "--max-memory") : undefined);
  const sweep = loadSweep(argv.file, budget, argv.workers ?? availableParallelism());
  if (argv.dryRun) {
    process.stdout.write(`${describePlan(sweep, argv.workers ?? availableParallelism(), shard, argv.out)}\n`);
    return;
  }
  const out = argv.out!;
  const summary = await runSweep(sweep, { out, workers: argv.workers, shard, quiet: argv.quiet, force: argv.force, compress: argv.compress, command: argv.command });
  const where = shard === undefined ? "" : ` (shard ${shard[0]}/${shard[1]})`;
  process.stdout.write(
    `sweep ${sweep.name}${where}: ${summary.ran} runs done, ${summary.skipped} already complete, of ${summary.total}` +
      (summary.merged ? `; merged ${sweep.tasks.length} runs into ${out}\n` : `; merge the shards with cosched merge\n`),
  );
}

const show = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** The plan of a sweep: its grid, how many runs, and the estimated time and memory. */
export function describePlan(sweep: Sweep, workers: number, shard: [number, number] | undefined, out: string | undefined): string {
  const lines: string[] = [];
  const settings = sweep.settings.length;
  const product = settings * sweep.strategies.length * sweep.seeds.length === sweep.tasks.length;
  const how = product
    ? `${settings} setting${settings > 1 ? "s" : ""} x ${sweep.strategies.length} strategies (${sweep.strategies.join(", ")}) x ${sweep.seeds.length} seeds (${sweep.seeds.join(", ")})`
    : `${settings} settings, each under its part's strategies (${sweep.strategies.join(", ")} in all), x ${sweep.seeds.length} seeds (${sweep.seeds.join(", ")})`;
  lines.push(`sweep ${sweep.name} (${relative(process.cwd(), sweep.file) || sweep.file}): ${sweep.tasks.length} runs = ${how}`);
  let at = 0;
  for (const part of sweep.parts) {
    const combos = Object.values(part.grid).reduce((n, values) => n * values.length, 1);
    const mine = sweep.settings.slice(at, at + combos);
    at += combos;
    const grid = Object.entries(part.grid).map(([path, values]) => `${path} = ${values.map(show).join(", ")}`);
    const peak = Math.max(...mine.map((s) => s.estimate.bytes));
    const groups = Math.max(...mine.map((s) => s.estimate.groups));
    lines.push(`  ${part.scenario}: ${grid.length > 0 ? grid.join("; ") : "no grid"} (${combos} setting${combos > 1 ? "s" : ""}, up to ${Math.round(groups)} groups, about ${formatBytes(peak)} per run)`);
  }
  const tasks = shard === undefined ? sweep.tasks : shardTasks(sweep.tasks, shard);
  const bySetting = new Map(sweep.settings.map((s) => [`${s.scenario}\u0000${s.overrides.join("\u0000")}`, s.estimate]));
  const estimateOf = (t: (typeof tasks)[number]) => bySetting.get(`${t.scenario}\u0000${t.overrides.join("\u0000")}`)!;
  const done = out === undefined ? 0 : tasks.filter((t) => isComplete(runFolder(resolve(out), t.runId))).length;
  const todo = out === undefined ? tasks : tasks.filter((t) => !isComplete(runFolder(resolve(out), t.runId)));
  const seconds = todo.reduce((s, t) => s + estimateSeconds(estimateOf(t), t.strategy), 0);
  const w = Math.max(1, Math.min(workers, todo.length));
  const peak = todo.length === 0 ? 0 : Math.max(...todo.map((t) => estimateOf(t).bytes)) * w;
  if (shard !== undefined) lines.push(`shard ${shard[0]}/${shard[1]}: ${tasks.length} of the ${sweep.tasks.length} runs`);
  if (out !== undefined) lines.push(`${out}: ${done} already complete, ${todo.length} to run`);
  lines.push(`estimated: about ${formatDuration(seconds / w)} on ${w} worker${w > 1 ? "s" : ""} (${formatDuration(seconds)} of run time), peak memory about ${formatBytes(peak)} (${w} run${w > 1 ? "s" : ""} at once); rough, from the scale benchmark`);
  return lines.join("\n");
}

export interface MergeArgs {
  readonly dirs: readonly (string | number)[];
  readonly out: string;
  readonly force: boolean;
  readonly compress: boolean;
  readonly command: readonly string[];
}

export async function mergeCommand(argv: MergeArgs): Promise<void> {
  const n = await mergeShards(argv.dirs.map(String), argv.out, { force: argv.force, compress: argv.compress, command: argv.command });
  process.stdout.write(`merged ${n} runs into ${argv.out}\n`);
}

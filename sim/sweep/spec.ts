import { existsSync } from "node:fs";
import { parseJsonText, readText } from "../workload/files.ts";
import { assertWithinBudget, estimateRun, type Budget, type Estimate } from "../workload/estimate.ts";
import { basename, dirname, join, resolve } from "node:path";
import * as z from "zod";
import { parseSeeds, parseStrategies } from "../cli/args.ts";
import { runId } from "../runner.ts";
import { InputError } from "../workload/errors.ts";
import { describeIssues, loadScenario, SCENARIO_DIR } from "../workload/scenario.ts";

const jsonValue: z.ZodType<unknown> = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

const partSchema = z
  .object({
    /** A scenario file (relative to the sweep file) or a shipped scenario name. */
    scenario: z.string().min(1),
    /** Scenario path -> values; every combination is run (like --set path=value). */
    grid: z.record(z.string().min(1), z.array(jsonValue).min(1)).default({}),
    /** Strategy ids for this part only (default: the sweep's). */
    strategies: z.array(z.string()).min(1).optional(),
  })
  .strict();

export const sweepSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(""),
    /** Strategy ids, or ["all"]. */
    strategies: z.array(z.string()).min(1).default(["all"]),
    /** Seeds: a list, or a range like "1..5". */
    seeds: z.union([z.array(z.number().int().min(0)).min(1), z.string()]).default([1]),
    /** Either one scenario with its grid... */
    scenario: z.string().min(1).optional(),
    grid: z.record(z.string().min(1), z.array(jsonValue).min(1)).optional(),
    /** ...or several parts, each a scenario with its own grid. */
    parts: z.array(partSchema).min(1).optional(),
  })
  .strict()
  .refine((s) => (s.scenario === undefined) !== (s.parts === undefined), { message: "expected exactly one of scenario (with grid) or parts" })
  .refine((s) => s.parts === undefined || s.grid === undefined, { message: "grid goes inside each part when parts are given", path: ["grid"] });

/** One run of a sweep. */
export interface SweepTask {
  /** Position in the sweep's order (merge order). */
  readonly index: number;
  readonly runId: string;
  /** Path to the scenario file. */
  readonly scenario: string;
  readonly overrides: readonly string[];
  /** Swept parameter values by path ("" when a path is not swept in this part). */
  readonly params: Readonly<Record<string, string>>;
  readonly strategy: string;
  readonly seed: number;
}

/** One combination of a part's grid: a scenario with its overrides, and what a run of it will cost. */
export interface SweepSetting {
  readonly scenario: string;
  readonly overrides: readonly string[];
  readonly estimate: Estimate;
}

export interface Sweep {
  readonly file: string;
  readonly name: string;
  /** The sweep file's parts with their grids, as written (for --dry-run). */
  readonly parts: readonly { readonly scenario: string; readonly grid: Readonly<Record<string, readonly unknown[]>> }[];
  readonly settings: readonly SweepSetting[];
  readonly strategies: readonly string[];
  readonly seeds: readonly number[];
  /** Every swept path across parts, in first-seen order: the extra CSV columns. */
  readonly paramColumns: readonly string[];
  readonly tasks: readonly SweepTask[];
}

function resolveScenarioRef(sweepFile: string, ref: string): string {
  const local = resolve(dirname(sweepFile), ref);
  if (existsSync(local)) return local;
  const shipped = join(SCENARIO_DIR, ref.endsWith(".json") ? ref : `${ref}.json`);
  if (!ref.includes("/") && existsSync(shipped)) return shipped;
  throw new InputError(`${sweepFile}: scenario "${ref}": no such file (relative to the sweep file) or shipped scenario`);
}

/** Every combination of the grid, in the order the paths and values are written. */
function combinations(grid: Readonly<Record<string, readonly unknown[]>>): [string, unknown][][] {
  let out: [string, unknown][][] = [[]];
  for (const [path, values] of Object.entries(grid)) {
    const next: [string, unknown][][] = [];
    for (const combo of out) for (const v of values) next.push([...combo, [path, v]]);
    out = next;
  }
  return out;
}

const show = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * Reads and expands a sweep file; every scenario and override is validated up
 * front, and, with a budget, held to it with `workers` runs at once.
 */
export function loadSweep(ref: string, budget?: Budget, workers = 1): Sweep {
  const file = existsSync(ref) ? resolve(ref) : join(SCENARIO_DIR, "sweeps", ref.endsWith(".json") ? ref : `${ref}.json`);
  if (!existsSync(file)) throw new InputError(`${ref}: no such sweep file, and no shipped sweep of that name`);
  const raw = parseJsonText(file, readText(file, "sweep file"), "a JSON sweep object");
  const parsed = sweepSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${file}: ${describeIssues(parsed.error.issues, [], { schema: sweepSchema, raw })}`);
  const spec = parsed.data;
  const strategies = spec.strategies.flatMap((s) => parseStrategies(s));
  const seeds = Array.isArray(spec.seeds) ? spec.seeds : parseSeeds(spec.seeds, `${file}: $.seeds`);
  const parts: { scenario: string; grid: Record<string, unknown[]>; strategies?: string[] | undefined }[] = spec.parts ?? [{ scenario: spec.scenario!, grid: spec.grid ?? {} }];
  const paramColumns: string[] = [];
  for (const part of parts) for (const path of Object.keys(part.grid)) if (!paramColumns.includes(path)) paramColumns.push(path);
  const tasks: SweepTask[] = [];
  const settings: SweepSetting[] = [];
  /** The strategies that run somewhere in the sweep, in order of first use. */
  const allStrategies = new Set<string>();
  for (const part of parts) {
    const partStrategies = [...new Set(part.strategies === undefined ? strategies : part.strategies.flatMap((s) => parseStrategies(s)))];
    for (const s of partStrategies) allStrategies.add(s);
    const scenarioFile = resolveScenarioRef(file, part.scenario);
    for (const combo of combinations(part.grid)) {
      const overrides = combo.map(([path, v]) => `${path}=${JSON.stringify(v)}`);
      let scenario;
      try {
        scenario = loadScenario(scenarioFile, overrides, "grid point");
      } catch (err) {
        throw err instanceof InputError && err.message.startsWith("grid point") ? new InputError(`${file}: ${err.message}`) : err;
      }
      const point = overrides.length > 0 ? `${file}: grid point ${overrides.join(", ")}` : `${file}: ${part.scenario}`;
      const estimate = budget !== undefined ? assertWithinBudget(point, scenario.spec, dirname(scenarioFile), budget, partStrategies, workers) : estimateRun(scenario.spec, dirname(scenarioFile));
      settings.push({ scenario: scenarioFile, overrides, estimate });
      const params: Record<string, string> = {};
      for (const column of paramColumns) params[column] = "";
      for (const [path, v] of combo) params[path] = show(v);
      for (const strategy of partStrategies) {
        for (const seed of seeds) {
          tasks.push({ index: tasks.length, runId: runId(scenario, strategy, seed), scenario: scenarioFile, overrides, params, strategy, seed });
        }
      }
    }
  }
  const ids = new Set(tasks.map((t) => t.runId));
  if (ids.size !== tasks.length) throw new InputError(`${file}: the sweep runs some (scenario, overrides, strategy, seed) twice`);
  return { file, name: spec.name || basename(file, ".json"), parts: parts.map((p) => ({ scenario: p.scenario, grid: p.grid })), settings, strategies: [...allStrategies], seeds, paramColumns, tasks };
}

/** "I/N" (1-based) -> [I, N]. */
export function parseShard(value: string, flag = "--shard"): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new InputError(`${flag} ${value}: expected I/N with 1 <= I <= N, e.g. 2/8`);
  return [i, n];
}

/**
 * The shard to run when --shard is absent, from a job array's environment:
 * Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based; N from COSCHED_SHARDS),
 * Slurm job array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT),
 * AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX, 0-based; N from COSCHED_SHARDS).
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): [number, number] | undefined {
  const whole = (name: string, min = 0): number => {
    const v = env[name] ?? "";
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) throw new InputError(`${name}=${v}: expected a whole number${min > 0 ? ` >= ${min}` : " >= 0"}`);
    return Number(v);
  };
  const count = (name: string): number => {
    if (env.COSCHED_SHARDS === undefined) throw new InputError(`${name} is set: set COSCHED_SHARDS to the number of shards as well`);
    return whole("COSCHED_SHARDS", 1);
  };
  let shard: [number, number] | undefined;
  if (env.JOB_COMPLETION_INDEX !== undefined) shard = [whole("JOB_COMPLETION_INDEX") + 1, count("JOB_COMPLETION_INDEX")];
  else if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    // Slurm numbers array tasks MIN, MIN+STEP, ... (--array=1-7:2 is 1, 3, 5, 7): shard (ID - MIN) / STEP + 1 of COUNT.
    const id = whole("SLURM_ARRAY_TASK_ID");
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? whole("SLURM_ARRAY_TASK_MIN") : 0;
    const step = env.SLURM_ARRAY_TASK_STEP !== undefined ? whole("SLURM_ARRAY_TASK_STEP", 1) : 1;
    if (env.SLURM_ARRAY_TASK_COUNT === undefined) throw new InputError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
    const n = whole("SLURM_ARRAY_TASK_COUNT", 1);
    if (id < min || (id - min) % step !== 0) throw new InputError(`SLURM_ARRAY_TASK_ID=${id} is not in the array ${min}, ${min + step}, ... (SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_STEP=${step})`);
    shard = [(id - min) / step + 1, n];
  } else if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined) shard = [whole("AWS_BATCH_JOB_ARRAY_INDEX") + 1, count("AWS_BATCH_JOB_ARRAY_INDEX")];
  if (shard !== undefined && (shard[0] < 1 || shard[0] > shard[1])) throw new InputError(`job array index ${shard[0] - 1} is outside ${shard[1]} shards`);
  return shard;
}

/** Tasks of shard I of N: every N-th task, starting at the I-th (balances slow and fast runs). */
export function shardTasks(tasks: readonly SweepTask[], [i, n]: [number, number]): SweepTask[] {
  return tasks.filter((t) => t.index % n === i - 1);
}

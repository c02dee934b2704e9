import { assertOutcomes } from "../check/outcomes.ts";
import { summarize } from "../metrics/report.ts";
import type { RunRow } from "../metrics/summary.ts";
import { TableWriter } from "../output/tables.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../workload/scenario.ts";

/** One run to execute and write: what `cosched run` and a sweep hand to a worker thread. */
export interface RunJob {
  readonly scenario: Scenario;
  readonly strategy: string;
  readonly seed: number;
  /** Validating observer and outcome checks (an InvariantError on a violation). */
  readonly check: boolean;
  /** The folder whose tables the run's rows are appended to (header written by the first run). */
  readonly dir: string;
  readonly compress: boolean;
  /** false: tables new in `dir` are written without their header (default true). */
  readonly header?: boolean;
  /** Swept values by path: extra `param.<path>` columns (sweeps). */
  readonly params?: Readonly<Record<string, string>>;
}

export interface JobResult {
  readonly runId: string;
  readonly scenario: string;
  readonly run: RunRow;
  readonly groups: number;
  readonly events: number;
  readonly wallMs: number;
  /** Wall time of each step: simulation, summaries, and writing the tables. */
  readonly simulateMs: number;
  readonly summarizeMs: number;
  readonly writeMs: number;
}

/** Runs, summarises, checks and appends one run's tables to `job.dir`. */
export function executeRunJob(job: RunJob, onProgress?: (fraction: number, events: number) => void): JobResult {
  const result = runOnce(job.scenario, job.strategy, job.seed, { check: job.check, ...(onProgress ? { onProgress } : {}) });
  const t0 = performance.now();
  const tables = summarize(result);
  if (job.check) assertOutcomes(result, tables.groups);
  const t1 = performance.now();
  new TableWriter(job.dir, job.compress, job.header ?? true).append(tables, job.params);
  const t2 = performance.now();
  return {
    runId: result.runId,
    scenario: result.scenario,
    run: tables.run,
    groups: result.workload.groups.length,
    events: result.events,
    wallMs: result.wallMs + (t2 - t0),
    simulateMs: result.wallMs,
    summarizeMs: t1 - t0,
    writeMs: t2 - t1,
  };
}

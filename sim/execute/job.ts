import { assertOutcomes } from "../check/outcomes.ts";
import { SharedColumns, summaryColumnBytes } from "../metrics/column-memory.ts";
import type { EventLog } from "../metrics/log.ts";
import { LogLength } from "../metrics/log-reader.ts";
import { summarize, type RunTables } from "../metrics/report.ts";
import type { RunRow } from "../metrics/summary.ts";
import { TableWriter } from "../output/tables.ts";
import { runOnce } from "../runner.ts";
import type { WorkloadReuse } from "../workload/reuse.ts";
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
  /** Send the run's shared memory to the main thread to be touched there first (it has a core to spare). */
  readonly prefault?: boolean;
  /**
   * Only simulate (simulateRunJob): the thread that gave the job follows the
   * event log as it is written, and makes and writes the tables itself
   * (sim/execute/follow.ts), on a core the run leaves spare.
   */
  readonly follow?: boolean;
}

/** What simulateRunJob tells the thread that follows the run's log. */
export interface SimulatedRun {
  readonly runId: string;
  readonly events: number;
  /** Entries in the log at the end (published before this is sent). */
  readonly logLength: number;
  readonly simulateMs: number;
}

/** A run's log as another thread reads it: its columns' shared buffers, and a cell holding the length written so far (LogLength). */
export interface SharedLog {
  readonly buffers: readonly SharedArrayBuffer[];
  readonly length: SharedArrayBuffer;
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

/** What a job's caller may give it besides the job. */
export interface JobHooks {
  /** The run's progress (see RunOptions.onProgress). */
  readonly onProgress?: (fraction: number, events: number) => void;
  /**
   * Given the shared memory the run is about to fill (the event log's
   * columns, and the summaries' per-group arrays), for another thread to
   * touch first (sim/execute/prefault.ts).
   */
  readonly onShared?: (buffers: readonly SharedArrayBuffer[]) => void;
  /** The thread's last workload, for a run of the same scenario and seed (sim/workload/reuse.ts). */
  readonly reuse?: WorkloadReuse;
}

/** What simulateRunJob's caller gives it besides the job. */
export interface SimulateHooks {
  readonly onProgress?: (fraction: number, events: number) => void;
  /** Given the run's log as it starts, for another thread to follow. */
  readonly onLog: (log: SharedLog) => void;
  readonly reuse?: WorkloadReuse;
}

/**
 * Events between two publications of a followed run's log length: what the
 * follower cannot start on before the run ends is at most this many events'
 * entries (with runOnce's usual 100,000, 40-50 ms of summaries in a naive
 * run at 10,000 x 100,000). The follower also writes rows early only from
 * what is published: at 10,000 rather than 20,000, naive's summaries and
 * tables after the run took 0.133 s against 0.152 s (means of 6 alternated
 * runs; the simulations 2.572 against 2.565 s).
 */
const FOLLOW_SLICE_EVENTS = 10_000;

/**
 * Simulates a job's run only (a `follow` job), publishing the log's length
 * after every slice of events and at the end: the summaries and the tables
 * are made by whoever follows the log (sim/execute/follow.ts).
 */
export function simulateRunJob(job: RunJob, { onProgress, onLog, reuse }: SimulateHooks): SimulatedRun {
  const length = new LogLength();
  let log: EventLog | undefined;
  const onStart = (started: EventLog): void => {
    if (started.buffers.length === 0) throw new Error("simulateRunJob: this runtime shares no event log between threads");
    log = started;
    onLog({ buffers: started.buffers, length: length.buffer });
  };
  const published = (fraction: number, events: number): void => {
    length.publish(log!.length);
    onProgress?.(fraction, events);
  };
  const result = runOnce(job.scenario, job.strategy, job.seed, { onProgress: published, sliceEvents: FOLLOW_SLICE_EVENTS, onStart, ...(reuse ? { reuse } : {}) });
  length.publish(result.log.length);
  return { runId: result.runId, events: result.events, logLength: result.log.length, simulateMs: result.wallMs };
}

/** Runs, summarises, checks and appends one run's tables to `job.dir`. */
export function executeRunJob(job: RunJob, { onProgress, onShared, reuse }: JobHooks = {}): JobResult {
  // The summaries' per-group arrays come from one shared buffer made as the run starts, touched elsewhere meanwhile.
  let memory: SharedColumns | undefined;
  const onStart =
    onShared === undefined
      ? undefined
      : (log: { readonly buffers: readonly SharedArrayBuffer[] }, groups: number) => {
          memory = SharedColumns.tryCreate(summaryColumnBytes(groups));
          onShared(memory === undefined ? log.buffers : [...log.buffers, memory.buffer]);
        };
  const result = runOnce(job.scenario, job.strategy, job.seed, { check: job.check, ...(onProgress ? { onProgress } : {}), ...(onStart ? { onStart } : {}), ...(reuse ? { reuse } : {}) });
  const simulated = { runId: result.runId, scenario: result.scenario, groups: result.workload.groups.length, events: result.events, simulateMs: result.wallMs };
  return writeJobTables(job, simulated, () => {
    const tables = summarize(result, memory);
    if (job.check) assertOutcomes(result, tables.groups);
    return tables;
  });
}

/**
 * Makes a simulated run's tables (`tables`: the summaries, and checks if
 * any) and appends them to `job.dir`; the result says how long each step
 * took.
 */
export function writeJobTables(
  job: RunJob,
  run: { readonly runId: string; readonly scenario: string; readonly groups: number; readonly events: number; readonly simulateMs: number },
  tables: () => RunTables,
): JobResult {
  const t0 = performance.now();
  const made = tables();
  const t1 = performance.now();
  new TableWriter(job.dir, job.compress, job.header ?? true).append(made, job.params);
  const t2 = performance.now();
  return {
    runId: run.runId,
    scenario: run.scenario,
    run: made.run,
    groups: run.groups,
    events: run.events,
    wallMs: run.simulateMs + (t2 - t0),
    simulateMs: run.simulateMs,
    summarizeMs: t1 - t0,
    writeMs: t2 - t1,
  };
}

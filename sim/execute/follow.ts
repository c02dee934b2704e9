import { dirname } from "node:path";
import { RngStreams } from "../engine/index.ts";
import { LogLength, LogReader } from "../metrics/log-reader.ts";
import { RunSummary, type FinishedRun } from "../metrics/report.ts";
import { nodeName, totalCapacity } from "../model/cluster.ts";
import { groupLineFormat } from "../output/tables.ts";
import { warmGroupsWriter } from "../output/warm.ts";
import { runId } from "../runner.ts";
import { buildWorkload } from "../workload/build.ts";
import { scenarioName } from "../workload/scenario.ts";
import { writeJobTables, type JobResult, type RunJob, type SharedLog, type SimulatedRun } from "./job.ts";

/** Log entries summarised per turn of the event loop: tens of milliseconds, so signals and messages wait little. */
const ENTRIES_PER_TURN = 200_000;
/** How often a follower that has caught up looks for more. */
const IDLE_MS = 5;
/**
 * Runs with fewer groups are not worth warming the table writer for, or
 * writing rows early: their groups.csv is written in a few tens of
 * milliseconds, warm or not.
 */
const BIG_RUN_GROUPS = 20_000;
/** Rows written early per turn of the event loop (a few milliseconds' work). */
const SETTLE_PER_TURN = 2048;
/** At most this many bytes of groups.csv's lines are made early (the rest as the table is written). */
const EARLY_LINES_BYTES = 32 * 2 ** 20;

/**
 * Follows a `follow` job's run from the thread that gave it (which has a
 * core to spare): builds the run's workload itself (the same one: same
 * scenario, same seed), summarises the event log as the run's thread writes
 * it (`attach`), and once the run ends (`complete`) makes the rest of the
 * tables and writes them. The tables are the bytes executeRunJob would
 * write; what the run's thread waited for after simulating is only what
 * was left of the summaries, and the writing.
 */
export class RunFollower {
  /** Set once the run has started (attach). */
  private state: { record: Omit<FinishedRun, "log" | "events">; groups: number; summary: RunSummary; log: LogReader; length: LogLength } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private warmed = false;

  /** `onError`: told of a failure while following (the run's result is then not to be waited for). */
  constructor(
    private readonly job: RunJob,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * The run has started: its log, to summarise as it grows. The workload is
   * built now rather than when the job was given: the run's thread has built
   * its own by then, and V8 is past compiling most of its code, for which it
   * needs this core. Once the summary is made the workload is let go (the
   * summary keeps what it needs of each group in its columns), so this
   * thread does not hold a second copy of it while the run grows.
   */
  attach(log: SharedLog): void {
    const { scenario, strategy, seed } = this.job;
    const rng = new RngStreams(seed);
    const workload = buildWorkload(scenario.spec, rng, dirname(scenario.file));
    const nodes = workload.nodes;
    const record = {
      runId: runId(scenario, strategy, seed),
      scenario: scenarioName(scenario),
      strategy,
      seed,
      workload,
      cluster: { total: totalCapacity(nodes), name: (node: number) => nodeName(nodes, node) },
      end: scenario.spec.horizon,
      sampleEvery: scenario.spec.sampleEvery,
    };
    const summary = new RunSummary(record);
    if (workload.groups.length >= BIG_RUN_GROUPS) {
      // groups.csv's lines of the groups that have finished are made while the run goes on, on this thread's spare core.
      const { columns, extra } = groupLineFormat(this.job.params);
      summary.writeEarly(columns, extra, EARLY_LINES_BYTES);
    }
    const kept = { ...record, workload: { classes: workload.classes } };
    this.state = { record: kept, groups: workload.groups.length, summary, log: new LogReader(log.buffers), length: new LogLength(log.length) };
    this.schedule(0);
  }

  /** The run has ended: the rest of its log summarised, every table made and written. */
  complete(run: SimulatedRun): JobResult {
    this.stop();
    const state = this.state;
    if (state === undefined) throw new Error("RunFollower: the run ended before its log was given");
    const { record, groups, summary, log } = state;
    if (run.runId !== record.runId) throw new Error(`RunFollower: run ${run.runId} ended, following ${record.runId}`);
    const simulated = { runId: run.runId, scenario: record.scenario, groups, events: run.events, simulateMs: run.simulateMs };
    return writeJobTables(this.job, simulated, () => {
      log.advance(run.logLength);
      return summary.finish({ ...record, log, events: run.events });
    });
  }

  /** Stops following (the run failed or was interrupted, or has ended). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.step(), ms);
    // Never what keeps the process alive: the run's thread does until it ends.
    this.timer.unref();
  }

  /** Summarises at most ENTRIES_PER_TURN of what has been published; then looks again. */
  private step(): void {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      const { summary, log, length } = this.state!;
      const published = length.read();
      if (published > log.length) log.advance(published);
      const to = Math.min(log.length, summary.entries + ENTRIES_PER_TURN);
      summary.see(log, to);
      let more = to < log.length;
      if (!more && !this.warmed && this.state!.groups >= BIG_RUN_GROUPS) {
        // Caught up with the run, with time to spare: the table writer is warmed now (sim/output/warm.ts).
        this.warmed = true;
        warmGroupsWriter();
      }
      // Caught up: rows of finished groups are written early, a few at a time.
      if (!more) more = summary.settle(log, SETTLE_PER_TURN) === SETTLE_PER_TURN;
      this.schedule(more ? 0 : IDLE_MS);
    } catch (err) {
      this.stop();
      this.onError(err);
    }
  }
}

import {
  classRows,
  DeadlockTally,
  type GroupTable,
  OccupancyReplay,
  RunLogTally,
  runRow,
  SchedulerTally,
  type ClassRow,
  type DeadlockRow,
  type GroupRow,
  type RunRecord,
  type RunRow,
  type SchedulerRow,
  type TimeseriesRow,
} from "./summary.ts";
import { FRESH, type ColumnMemory } from "./column-memory.ts";
import type { LogColumns } from "./log.ts";
import { ascending } from "./stats.ts";
import { GroupReplay } from "./summary/group-replay.ts";
import { present } from "./summary/group-table.ts";

/** Every table one run contributes. */
export interface RunTables {
  /** groups.csv by column (what the CSV is written from). */
  readonly groupTable: GroupTable;
  /** groups.csv as row objects, made from groupTable on first use. */
  readonly groups: GroupRow[];
  readonly run: RunRow;
  readonly timeseries: TimeseriesRow[];
  readonly deadlocks: DeadlockRow[];
  readonly schedulers: SchedulerRow[];
  readonly classes: ClassRow[];
}

/** Pure: the tables of one run (`memory`: where their per-group arrays come from). */
export function summarize(run: RunRecord, memory: ColumnMemory = FRESH): RunTables {
  return new RunSummary(run, memory).finish(run);
}

/** What RunSummary.finish needs of the run: its record, of whose workload only the classes. */
export type FinishedRun = Omit<RunRecord, "workload"> & { readonly workload: Pick<RunRecord["workload"], "classes"> };

/**
 * summarize() fed the log in pieces, in order, as the run writes it (from
 * another thread, say): `see` takes in the entries so far, `finish` the rest
 * and every table. The tables are those summarize() makes of the whole log.
 */
export class RunSummary {
  private readonly replay: GroupReplay;
  private readonly occupancy: OccupancyReplay;
  private readonly counts = new RunLogTally();
  private readonly schedulers: SchedulerTally;
  private readonly deadlocks: DeadlockTally;
  /** Log entries taken in so far. */
  private seen = 0;

  /** `run`: everything of the record but its log and count of events, which come later. */
  constructor(run: Omit<RunRecord, "log" | "events">, memory: ColumnMemory = FRESH) {
    this.replay = new GroupReplay(run, memory);
    this.occupancy = new OccupancyReplay(run, memory);
    this.schedulers = new SchedulerTally(run);
    const ids = this.replay.table.texts.group_id;
    this.deadlocks = new DeadlockTally(run, (g) => ids[g]);
  }

  /** Entries taken in so far. */
  get entries(): number {
    return this.seen;
  }

  /** Takes in the log's entries from the last one seen up to `to` (every one so far by default). */
  see(log: LogColumns, to = log.length): void {
    if (to < this.seen || to > log.length) throw new Error(`RunSummary: entries up to ${to} after ${this.seen}, of a log of ${log.length}`);
    const from = this.seen;
    this.replay.see(log, from, to);
    this.occupancy.see(log, from, to);
    this.counts.see(log, from, to);
    this.schedulers.see(log, from, to);
    this.deadlocks.see(log, from, to);
    this.seen = to;
  }

  /**
   * From now on, groups.csv's rows are written as soon as nothing more can
   * change them, with their lines (`columns`, `extra`: as the table will be
   * written), up to `capBytes` of lines: `settle` does it in steps, and the
   * table copies the lines when it is written. The tables are the same.
   */
  writeEarly(columns: readonly (keyof GroupRow)[], extra: readonly Uint8Array[], capBytes: number): void {
    this.replay.writeEarly(columns, extra, capBytes);
  }

  /** Writes early the rows of at most `max` groups due (writeEarly): how many it looked at, 0 when none was due. */
  settle(log: LogColumns, max: number): number {
    return this.seen === 0 ? 0 : this.replay.settle(log, log.t[this.seen - 1]!, max);
  }

  /** Takes in the rest of the run's log and makes every table (`run` need not hold its groups any more: the summary has what it needs of them). */
  finish(run: FinishedRun): RunTables {
    this.see(run.log);
    const groupTable = this.replay.finish(run.log, run.end);
    const occ = this.occupancy.finish();
    const schedulers = this.schedulers.rows();
    // Sorted once, for the run's row and the row of a class holding every group (classRows).
    const latencies = ascending(present(groupTable.numbers.latency));
    let rows: GroupRow[] | undefined;
    return {
      groupTable,
      get groups() {
        return (rows ??= groupTable.rows());
      },
      run: runRow(run, groupTable, occ, this.counts, latencies),
      timeseries: occ.rows,
      deadlocks: this.deadlocks.rows(),
      schedulers,
      classes: classRows(run, groupTable, schedulers, this.replay.classOf, latencies),
    };
  }
}

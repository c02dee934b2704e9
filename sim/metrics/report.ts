import { DEADLOCK_COLUMNS, GROUP_COLUMNS, RUN_COLUMNS, SCHEDULER_COLUMNS, TIMESERIES_COLUMNS } from "./columns.ts";
import type { OutputFolder } from "./output.ts";
import {
  deadlockRows,
  groupRows,
  occupancy,
  runRow,
  schedulerRows,
  type DeadlockRow,
  type GroupRow,
  type RunRecord,
  type RunRow,
  type SchedulerRow,
  type TimeseriesRow,
} from "./summary.ts";

/** Every table one run contributes. */
export interface RunTables {
  readonly groups: GroupRow[];
  readonly run: RunRow;
  readonly timeseries: TimeseriesRow[];
  readonly deadlocks: DeadlockRow[];
  readonly schedulers: SchedulerRow[];
}

/** Pure: the tables of one run. */
export function summarize(run: RunRecord): RunTables {
  const groups = groupRows(run);
  const occ = occupancy(run);
  return { groups, run: runRow(run, groups, occ), timeseries: occ.rows, deadlocks: deadlockRows(run), schedulers: schedulerRows(run) };
}

/** Appends one run's tables to the folder's CSV files. */
export function appendTables(out: OutputFolder, tables: RunTables): void {
  out.appendCsv("groups.csv", tables.groups, GROUP_COLUMNS);
  out.appendCsv("runs.csv", [tables.run], RUN_COLUMNS);
  out.appendCsv("timeseries.csv", tables.timeseries, TIMESERIES_COLUMNS);
  out.appendCsv("deadlocks.csv", tables.deadlocks, DEADLOCK_COLUMNS);
  out.appendCsv("schedulers.csv", tables.schedulers, SCHEDULER_COLUMNS);
}

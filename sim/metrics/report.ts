import {
  classRows,
  deadlockRows,
  groupRows,
  occupancy,
  runRow,
  schedulerRows,
  type ClassRow,
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
  readonly classes: ClassRow[];
}

/** Pure: the tables of one run. */
export function summarize(run: RunRecord): RunTables {
  const groups = groupRows(run);
  const occ = occupancy(run);
  const schedulers = schedulerRows(run);
  return { groups, run: runRow(run, groups, occ), timeseries: occ.rows, deadlocks: deadlockRows(run), schedulers, classes: classRows(run, groups, schedulers) };
}

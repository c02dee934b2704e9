import {
  classRows,
  deadlockRows,
  groupTable as groupTableOf,
  type GroupTable,
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
import { FRESH, type ColumnMemory } from "./column-memory.ts";

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
  const groupTable = groupTableOf(run, memory);
  const occ = occupancy(run, memory);
  const schedulers = schedulerRows(run);
  let rows: GroupRow[] | undefined;
  return {
    groupTable,
    get groups() {
      return (rows ??= groupTable.rows());
    },
    run: runRow(run, groupTable, occ),
    timeseries: occ.rows,
    deadlocks: deadlockRows(run),
    schedulers,
    classes: classRows(run, groupTable, schedulers),
  };
}

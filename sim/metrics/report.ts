import { DEADLOCK_COLUMNS, GROUP_COLUMNS, RUN_COLUMNS, SCHEDULER_COLUMNS, TIMESERIES_COLUMNS } from "./columns.ts";
import type { Column } from "./csv.ts";
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

/** The CSV files a run writes, with their columns. */
export const TABLE_FILES = ["groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv"] as const;

/**
 * Appends one run's tables to the folder's CSV files. `params` (a sweep's
 * swept values by scenario path) become extra columns `param.<path>` at the
 * end of every row.
 */
export function appendTables(out: OutputFolder, tables: RunTables, params: Readonly<Record<string, string>> = {}): void {
  // Swept paths contain dots, which csv-stringify would read as nested keys: rows carry them as p0, p1, ...
  const names = Object.keys(params);
  const extra: Record<string, string> = {};
  names.forEach((name, i) => (extra[`__p${i}`] = params[name]!));
  const extend = <T extends object>(rows: readonly T[]): (T & Record<string, string>)[] => rows.map((r) => ({ ...r, ...extra }));
  const cols = <C extends string>(columns: readonly C[]): Column<Record<string, unknown>>[] => [...columns, ...names.map((name, i) => ({ key: `__p${i}`, header: `param.${name}` }))];
  out.appendCsv("groups.csv", extend(tables.groups), cols(GROUP_COLUMNS));
  out.appendCsv("runs.csv", extend([tables.run]), cols(RUN_COLUMNS));
  out.appendCsv("timeseries.csv", extend(tables.timeseries), cols(TIMESERIES_COLUMNS));
  out.appendCsv("deadlocks.csv", extend(tables.deadlocks), cols(DEADLOCK_COLUMNS));
  out.appendCsv("schedulers.csv", extend(tables.schedulers), cols(SCHEDULER_COLUMNS));
}

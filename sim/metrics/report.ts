import { GROUP_COLUMNS, RUN_COLUMNS, TIMESERIES_COLUMNS } from "./columns.ts";
import type { OutputFolder } from "./output.ts";
import { groupRows, occupancy, runRow, type GroupRow, type RunRecord, type RunRow, type TimeseriesRow } from "./summary.ts";

/** Every table one run contributes. */
export interface RunTables {
  readonly groups: GroupRow[];
  readonly run: RunRow;
  readonly timeseries: TimeseriesRow[];
}

/** Pure: the tables of one run. */
export function summarize(run: RunRecord): RunTables {
  const groups = groupRows(run);
  const occ = occupancy(run);
  return { groups, run: runRow(run, groups, occ), timeseries: occ.rows };
}

/** Appends one run's tables to the folder's CSV files. */
export function appendTables(out: OutputFolder, tables: RunTables): void {
  out.appendCsv("groups.csv", tables.groups, GROUP_COLUMNS);
  out.appendCsv("runs.csv", [tables.run], RUN_COLUMNS);
  out.appendCsv("timeseries.csv", tables.timeseries, TIMESERIES_COLUMNS);
}

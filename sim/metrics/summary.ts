// The pure summaries of a run's event log, one module per table (sim/metrics/summary/).
export { OUTCOMES, type Outcome, type RunRecord } from "./summary/record.ts";
export { groupRows, groupTable, podPhase, type GroupRow, type PodPhase } from "./summary/groups.ts";
export { GroupTable } from "./summary/group-table.ts";
export { OccupancyReplay, type Occupancy, type TimeseriesRow } from "./summary/timeseries.ts";
export { RunLogTally, runRow, type RunRow } from "./summary/runs.ts";
export { DeadlockTally, type DeadlockRow } from "./summary/deadlocks.ts";
export { SchedulerTally, type SchedulerRow } from "./summary/schedulers.ts";
export { classRows, type ClassRow } from "./summary/classes.ts";

/**
 * cosched's public API: run a scenario through a strategy and summarise it.
 * The CLI is a thin layer over these.
 */
export { Phase, RngStreams, Simulator } from "./engine/index.ts";
export { Cluster, type NodeSpec } from "./model/cluster.ts";
export { effectiveRequest, type Group, type Member } from "./model/group.ts";
export type { Resources } from "./model/resources.ts";
export { Ev, EventLog } from "./metrics/log.ts";
export { summarize, type RunTables } from "./metrics/report.ts";
export { OUTCOMES, type GroupRow, type Outcome, type RunRow, type TimeseriesRow } from "./metrics/summary.ts";
export { GROUP_COLUMNS, RUN_COLUMNS, TIMESERIES_COLUMNS } from "./metrics/columns.ts";
export { runOnce, runOnceAsync, runId, type RunOptions, type RunResult } from "./runner.ts";
export { assertOutcomes, invariantObserver, InvariantError, outcomeViolations } from "./check/index.ts";
export { estimateRun, type Estimate } from "./workload/estimate.ts";
export { allStrategies, findStrategy, strategyIds } from "./strategies/registry.ts";
export type { Strategy, StrategyContext, StrategyDefinition } from "./strategies/strategy.ts";
export { InputError } from "./workload/errors.ts";
export { loadScenario, validateScenario, type Scenario } from "./workload/scenario.ts";
export { loadSweep, type Sweep, type SweepTask } from "./sweep/spec.ts";
export { mergeShards, runSweep, type SweepOptions } from "./sweep/run-sweep.ts";
export { report } from "./report/report.ts";

/**
 * cosched's public API (`import { runScenario } from "cosched"`). The CLI is a
 * thin layer over these.
 */

// Running scenarios.
export { runScenario, type RunScenarioOptions, type ScenarioRun } from "./api.ts";
export { runOnce, runOnceAsync, runId, type RunOptions, type RunResult } from "./runner.ts";
export { loadScenario, validateScenario, type Scenario } from "./workload/scenario.ts";
export { estimateRun, type Estimate } from "./workload/estimate.ts";
export { InputError } from "./workload/errors.ts";

// The tables a run produces.
export { summarize, type RunTables } from "./metrics/report.ts";
export { OUTCOMES, type DeadlockRow, type GroupRow, type Outcome, type RunRow, type SchedulerRow, type TimeseriesRow } from "./metrics/summary.ts";
export { DEADLOCK_COLUMNS, GROUP_COLUMNS, RUN_COLUMNS, SCHEDULER_COLUMNS, TIMESERIES_COLUMNS } from "./metrics/columns.ts";

// Writing a strategy: the interface, the registry, and what a strategy may use.
export { allStrategies, findStrategy, registerStrategy, strategyIds } from "./strategies/registry.ts";
export { decisionSeconds, owner, type DecisionTime, type Strategy, type StrategyContext, type StrategyDefinition } from "./strategies/strategy.ts";
export { Phase, RngStreams, Simulator } from "./engine/index.ts";
export { Cluster, type NodeSpec } from "./model/cluster.ts";
export { effectiveRequest, type Group, type Member } from "./model/group.ts";
export type { Lifecycle } from "./model/lifecycle.ts";
export type { Resources } from "./model/resources.ts";
export { Ev, EventLog } from "./metrics/log.ts";

// Checks.
export { assertOutcomes, invariantObserver, InvariantError, outcomeViolations } from "./check/index.ts";

// Sweeps and reports.
export { loadSweep, type Sweep, type SweepTask } from "./sweep/spec.ts";
export { mergeShards, runSweep, type SweepOptions } from "./sweep/run-sweep.ts";
export type { ReportOptions, ReportResult } from "./report/report.ts";

/** Prints nothing: returns the comparison table and writes the charts of a run or sweep folder (loads the chart libraries on first use). */
export async function report(dir: string, options: import("./report/report.ts").ReportOptions = {}): Promise<import("./report/report.ts").ReportResult> {
  const m = await import("./report/report.ts");
  return m.report(dir, options);
}

import { join } from "node:path";
import { summarize, type RunTables } from "./metrics/report.ts";
import { runOnce } from "./runner.ts";
import { assertOutcomes } from "./check/outcomes.ts";
import { loadScenario, validateScenario, type Scenario } from "./workload/scenario.ts";
import { applyOverride } from "./workload/scenario.ts";

export interface RunScenarioOptions {
  /** A registered strategy id (default "kube"). */
  readonly strategy?: string;
  /** Default: the scenario's seed. */
  readonly seed?: number;
  /** Overrides like the CLI's --set: "workload.rate=40". */
  readonly set?: readonly string[];
  /** Run the validating observer and the outcome checks (an InvariantError on a violation). */
  readonly check?: boolean;
  /** For an inline scenario object: the folder its relative trace paths start from (default: the working directory). */
  readonly baseDir?: string;
}

/** One run's tables (the rows cosched writes as CSV), with its id and event count. */
export interface ScenarioRun extends RunTables {
  readonly runId: string;
  readonly events: number;
}

/**
 * Runs one scenario through one strategy and returns its tables, as
 * `cosched run` would write them (without writing anything). `scenario` is a
 * file, a shipped scenario's name, or a scenario object. Bad input throws an
 * InputError whose message names the file (or `<inline>`) and JSON path.
 */
export function runScenario(scenario: string | object, options: RunScenarioOptions = {}): ScenarioRun {
  const set = options.set ?? [];
  let loaded: Scenario;
  if (typeof scenario === "string") loaded = loadScenario(scenario, set);
  else {
    const raw = structuredClone(scenario);
    for (const o of set) applyOverride(raw, o);
    loaded = validateScenario(join(options.baseDir ?? process.cwd(), "<inline>"), raw, set);
  }
  const result = runOnce(loaded, options.strategy ?? "kube", options.seed ?? loaded.spec.seed, { check: options.check ?? false });
  const tables = summarize(result);
  if (options.check) assertOutcomes(result, tables.groups);
  return { ...tables, runId: result.runId, events: result.events };
}


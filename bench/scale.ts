import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

export interface ScaleResult {
  readonly strategy: string;
  readonly nodes: number;
  readonly groups: number;
  readonly wall_s: number;
  readonly simulate_s: number;
  readonly summarize_s: number;
  readonly write_s: number;
  readonly events: number;
  readonly events_per_s: number;
  readonly us_per_group: number;
  readonly peak_rss_mb: number;
  /** JS heap in use after a full collection once the simulation ended (the run's record still held). */
  readonly live_heap_mb: number;
  /** Typed arrays beside it then: the workload's columns, the event log, the cluster. */
  readonly typed_arrays_mb: number;
  readonly completed: number;
  readonly correct_rate: number;
}

/** Runs one scale point in a child process (so peak RSS is its own). */
export function runScalePoint(strategy: string, nodes: number, groups: number): ScaleResult {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", join(HERE, "scale-run.ts"), strategy, String(nodes), String(groups)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
    timeout: 30 * 60 * 1000,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as ScaleResult;
}

export interface ScenarioResult {
  readonly strategy: string;
  readonly scenario: string;
  readonly groups: number;
  readonly wall_s: number;
  readonly events: number;
  readonly peak_rss_mb: number;
}

/** Runs a shipped scenario in a child process (for its peak RSS). */
export function runScenarioPoint(strategy: string, scenario: string): ScenarioResult {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(HERE, "scenario-run.ts"), strategy, scenario], { encoding: "utf8", timeout: 10 * 60 * 1000 });
  return JSON.parse(out.trim().split("\n").pop()!) as ScenarioResult;
}

// The cost of --check-invariants: the same runs with and without the
// validating observer and the end-of-run outcome checks, median of `repeats`.
// Standalone: node --import tsx bench/check-cost.ts; also part of npm run bench.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "csv-stringify/sync";
import { assertOutcomes } from "../sim/check/outcomes.ts";
import { summarize } from "../sim/metrics/report.ts";
import { runOnce } from "../sim/runner.ts";
import { coreStrategyIds as strategyIds } from "../sim/strategies/registry.ts";
import { loadScenario } from "../sim/workload/scenario.ts";

export interface CheckCost {
  readonly scenario: string;
  readonly strategy: string;
  readonly events: number;
  readonly plain_s: number;
  readonly checked_s: number;
  readonly slowdown: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall seconds of run + summary, with or without every check. */
function timed(scenario: ReturnType<typeof loadScenario>, strategy: string, check: boolean): { seconds: number; events: number } {
  const t0 = performance.now();
  const result = runOnce(scenario, strategy, scenario.spec.seed, { check });
  const tables = summarize(result);
  if (check) assertOutcomes(result, tables.groups);
  return { seconds: (performance.now() - t0) / 1000, events: result.events };
}

export function runCheckCost(scenarios: readonly string[], repeats: number): CheckCost[] {
  const out: CheckCost[] = [];
  for (const name of scenarios) {
    const scenario = loadScenario(name);
    for (const strategy of strategyIds()) {
      timed(scenario, strategy, false); // warm-up
      const plain: number[] = [];
      const checked: number[] = [];
      let events = 0;
      for (let i = 0; i < repeats; i++) {
        const p = timed(scenario, strategy, false);
        plain.push(p.seconds);
        events = p.events;
        checked.push(timed(scenario, strategy, true).seconds);
      }
      const row = { scenario: name, strategy, events, plain_s: median(plain), checked_s: median(checked), slowdown: median(checked) / median(plain) };
      out.push(row);
      process.stderr.write(`check ${name} ${strategy.padEnd(6)} ${row.plain_s.toFixed(3)} s -> ${row.checked_s.toFixed(3)} s (x${row.slowdown.toFixed(2)}), ${events} events\n`);
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = runCheckCost(["contention-1k", "openb-default"], 3);
  const file = join(dirname(fileURLToPath(import.meta.url)), "../results/bench/check.csv");
  writeFileSync(file, stringify(rows.map((r) => ({ node: process.version, ...r })), { header: true }));
  process.stderr.write(`wrote ${file}\n`);
}

// One shipped scenario through one strategy in its own process, for its peak RSS.
// Usage: node --import tsx bench/scenario-run.ts STRATEGY SCENARIO
import { summarize } from "../sim/metrics/report.ts";
import { runOnce } from "../sim/runner.ts";
import { loadScenario } from "../sim/workload/scenario.ts";

const [strategy, name] = process.argv.slice(2);
if (!strategy || !name) {
  process.stderr.write("usage: scenario-run.ts STRATEGY SCENARIO\n");
  process.exit(2);
}
const scenario = loadScenario(name);
const t0 = performance.now();
const result = runOnce(scenario, strategy, scenario.spec.seed);
const tables = summarize(result);
const wall = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ strategy, scenario: name, groups: tables.groupTable.length, wall_s: wall, events: result.events, peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`,
);

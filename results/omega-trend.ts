// Conflict fraction of omega on scenarios/omega-trend.json as decision time,
// scheduler count and conflict detection vary (5 seeds per cell).
// Run: npx tsx results/omega-trend.ts   (prints the table quoted in the README)
import { summarize } from "../sim/metrics/report.ts";
import { runOnce } from "../sim/runner.ts";
import { loadScenario } from "../sim/workload/scenario.ts";

const seeds = [1, 2, 3, 4, 5];
console.log("| conflict | schedulers | tJob 0.1 s | tJob 1 s | tJob 10 s |");
console.log("|---|---|---|---|---|");
for (const conflict of ["resource-fit", "sequence-numbers"]) {
  for (const schedulers of [1, 2, 4, 8]) {
    const cells: string[] = [];
    for (const tJob of [0.1, 1, 10]) {
      let conflicts = 0;
      let commits = 0;
      for (const seed of seeds) {
        const s = loadScenario("omega-trend", [`decision.tJob=${tJob}`, `strategies.omega.schedulers=${schedulers}`, `strategies.omega.conflict=${conflict}`]);
        const run = summarize(runOnce(s, "omega", seed)).run;
        conflicts += run.conflicts;
        commits += run.commits;
      }
      cells.push(`${(conflicts / commits).toFixed(3)} (${conflicts}/${commits})`);
    }
    console.log(`| ${conflict} | ${schedulers} | ${cells.join(" | ")} |`);
  }
}

// One scale-benchmark run in its own process, so peak RSS is this run's own.
// Usage: node --expose-gc --import tsx bench/scale-run.ts STRATEGY NODES GROUPS
// Prints one JSON line. After simulating it collects garbage until the reading settles (not timed) and records what stays live:
// the JS heap, and the typed arrays beside it (the workload's columns, the event log, the cluster).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarize } from "../sim/metrics/report.ts";
import { TableWriter } from "../sim/output/tables.ts";
import { runOnce } from "../sim/runner.ts";
import { scaleScenario } from "./scale-scenario.ts";

const [strategy, nodesArg, groupsArg] = process.argv.slice(2);
const nodes = Number(nodesArg);
const groups = Number(groupsArg);
if (!strategy || !(nodes > 0) || !(groups > 0)) {
  process.stderr.write("usage: scale-run.ts STRATEGY NODES GROUPS\n");
  process.exit(2);
}
const scenario = scaleScenario(nodes, groups);
const t0 = performance.now();
const result = runOnce(scenario, strategy, 1);
const simulated = performance.now();
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("scale-run.ts: run node with --expose-gc");
// Until the reading settles: a collection that finalizes an incremental marking in progress keeps what was
// allocated during that marking (V8's black allocation), so one collection can leave hundreds of MB of garbage
// counted as live, and now and then two, three or more do, with the same reading after each (mesos at 10,000 x
// 100,000: 39 MB after every collection in 4 runs of 6, 77 MB after the first two and 39 after the third in 2;
// bench run AF read 200.5 MB after four at 10,000 x 300,000, where three runs by hand read 87.3-87.8 MB).
// So it collects until five readings in a row go no lower than the least so far (at most 24), and keeps the least.
let least = Infinity;
for (let collections = 0, settled = 0; collections < 24 && settled < 5; collections++) {
  gc();
  const used = process.memoryUsage().heapUsed;
  if (used < least) {
    least = used;
    settled = 0;
  } else settled++;
}
const live = process.memoryUsage();
const collected = performance.now();
const tables = summarize(result);
const t1 = performance.now();
const dir = mkdtempSync(join(tmpdir(), "cosched-scale-"));
new TableWriter(dir, false).append(tables);
const t2 = performance.now();
rmSync(dir, { recursive: true, force: true });
const wall = (t2 - t0 - (collected - simulated)) / 1000;
process.stdout.write(
  `${JSON.stringify({
    strategy,
    nodes,
    groups,
    wall_s: wall,
    simulate_s: (simulated - t0) / 1000,
    summarize_s: (t1 - collected) / 1000,
    write_s: (t2 - t1) / 1000,
    events: result.events,
    events_per_s: result.events / ((simulated - t0) / 1000),
    us_per_group: (wall * 1e6) / groups,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    live_heap_mb: least / 1048576,
    // The event log is in resizable buffers, which process.memoryUsage() does not count.
    typed_arrays_mb: (live.arrayBuffers + result.log.bytes) / 1048576,
    completed: tables.run.completed,
    correct_rate: tables.run.correct_rate,
  })}\n`,
);

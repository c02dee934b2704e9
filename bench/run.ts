// npm run bench [-- --quick] [-- --skip-scale]
// Engine micro-benchmarks, the SimPy peer and the scale benchmark; prints one
// table with PASS/FAIL against the budgets and writes results/bench/*.csv.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "csv-stringify/sync";
import { coreStrategyIds as strategyIds, strategyIds as everyStrategy } from "../sim/strategies/registry.ts";
import { holdVersusKernel, runMicro } from "./micro.ts";
import { runCheckCost } from "./check-cost.ts";
import { runPeer } from "./peer.ts";
import { runStartup } from "./startup.ts";
import { runScalePoint, runScenarioPoint, type ScaleResult } from "./scale.ts";
import { scaleChart } from "./scale-chart.ts";
import { gangFile, runWhole, scaleFile, scratch, type WholeResult } from "./whole.ts";
import { alternatedPairs, interleavedMedians, type Paired } from "./pairs.ts";
import { probeMachine } from "./probe.ts";

const quick = process.argv.includes("--quick");
const GANG_LABEL = "10,000 nodes x 10,000 gangs of 2-64 Pods";
const skipScale = process.argv.includes("--skip-scale");
const OUT = join(dirname(fileURLToPath(import.meta.url)), "../results/bench");
const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memory_gb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
};
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(2));

log(`cosched bench on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}${quick ? " [quick]" : ""}`);

/** The machine's speed when each part of the run began, and at its end (bench/probe.ts). */
const probes: { readonly at: string; readonly ms: number }[] = [];
const probe = (at: string): void => {
  const ms = probeMachine();
  probes.push({ at, ms });
  log(`machine probe (${at}): ${ms.toFixed(0)} ms`);
};
probe("start");

// Every command below runs the bundle `npm run bench` has just built, or fails (bin/entry.js): never the sources through tsx.
process.env.COSCHED_BUNDLE = "1";

log("command start-up (whole processes)...");
const startup = runStartup(quick ? 5 : 11);

log("micro-benchmarks (tinybench)...");
const micro = await runMicro(quick ? 3 : 7);
const versusKernel = holdVersusKernel(11);

log("peer: the same hold model on SimPy...");
const peer = runPeer(1000, 1000, quick ? 1 : 5);
if (peer.note) log(peer.note);

const NODES = skipScale ? [] : quick ? [1_000, 10_000] : [1_000, 10_000, 50_000];
const GROUPS = quick ? [10_000, 100_000] : [10_000, 100_000, 300_000];
const scale: ScaleResult[] = [];
/** Whole-command pairs behind each mesos-vs-kube budget (about 17 s for OpenB, 12 s for contention-1k). */
const RATIO_PAIRS = 5;
/** The run of median wall time among three in a row, so one slow moment of this shared machine does not decide a figure. */
const median3 = <T extends { readonly wall_s: number }>(run: () => T): T => [run(), run(), run()].sort((a, b) => a.wall_s - b.wall_s)[1]!;
for (const nodes of NODES) {
  for (const groups of GROUPS) {
    for (const strategy of strategyIds()) {
      // A point of 10,000 groups takes about a second, and one slow moment of this shared machine moves it by a
      // third: the median of three runs, since the time/group budget divides by it.
      const r = groups <= 10_000 ? median3(() => runScalePoint(strategy, nodes, groups)) : runScalePoint(strategy, nodes, groups);
      scale.push(r);
      log(`scale ${strategy.padEnd(6)} ${String(nodes).padStart(6)} nodes x ${String(groups).padStart(7)} groups: ${r.wall_s.toFixed(2)} s, ${fmt(r.events_per_s)} events/s, ${r.us_per_group.toFixed(1)} us/group, ${r.peak_rss_mb.toFixed(0)} MB`);
    }
  }
}

// kube at 50,000 against 10,000 nodes: the two points again in alternated pairs, the median of the pairs'
// ratios (one timing of each flapped: 1.79x and 2.17x in two runs of the same code).
const NODE_PAIRS = 3;
const nodePairs = NODES.includes(50_000) && NODES.includes(10_000) ? alternatedPairs(NODE_PAIRS, () => runScalePoint("kube", 10_000, 100_000), () => runScalePoint("kube", 50_000, 100_000)) : undefined;
if (nodePairs) log(`scale kube 50,000 vs 10,000 nodes x 100,000 groups, ${NODE_PAIRS} alternated pairs: ${nodePairs.ratios.map((r) => r.toFixed(2)).join(", ")}`);

// Whole commands as a user runs them: `cosched run` with every CSV written, each in its own process.
if (!skipScale) probe("before the whole commands");
const whole: WholeResult[] = [];
/** Rounds of the whole commands at 100,000 groups (all strategies once per round). */
const WHOLE_ROUNDS = quick ? 1 : 3;
/** Every wall time behind a whole command's figure, by label and strategy, where it is a median of several. */
const wholeWalls = new Map<string, readonly number[]>();
if (!skipScale) {
  const files = scratch();
  try {
    for (const groups of quick ? [100_000] : [100_000, 300_000]) {
      const file = scaleFile(files.dir, 10_000, groups);
      const label = `10,000 nodes x ${groups.toLocaleString("en")} groups`;
      // At 100,000 groups (3-7 s a command) each strategy's figure is its median of WHOLE_ROUNDS, the strategies
      // interleaved: one timing of each read 3.30 and 4.68 s for kube on the same code in two runs of the bench.
      const rounds = groups === 100_000 ? WHOLE_ROUNDS : 1;
      const timed = interleavedMedians(rounds, strategyIds().map((strategy) => () => runWhole(label, file, strategy, groups)));
      for (const { median: r, walls } of timed) {
        whole.push(r);
        wholeWalls.set(`${r.label}\u0000${r.strategy}`, walls);
        log(`whole ${r.strategy.padEnd(6)} ${r.label}: ${r.wall_s.toFixed(2)} s${walls.length > 1 ? ` (median of ${walls.map((w) => w.toFixed(2)).join(", ")})` : ""} (simulate ${r.simulate_s.toFixed(2)}, summarize ${r.summarize_s.toFixed(2)}, write ${r.write_s.toFixed(2)}), ${r.peak_rss_mb} MB`);
      }
    }
  } finally {
    files.remove();
  }
}
// The gang benchmark (gangs issue): 10,000 nodes x 10,000 gangs of 2-64 Pods, every strategy and variant.
if (!skipScale) {
  const files = scratch();
  try {
    const file = gangFile(files.dir, 10_000, 10_000);
    for (const strategy of everyStrategy()) {
      const r = runWhole(GANG_LABEL, file, strategy, 10_000);
      whole.push(r);
      log(`whole ${strategy.padEnd(17)} ${r.label}: ${r.wall_s.toFixed(2)} s (simulate ${r.simulate_s.toFixed(2)}, summarize ${r.summarize_s.toFixed(2)}, write ${r.write_s.toFixed(2)}), ${r.peak_rss_mb} MB`);
    }
  } finally {
    files.remove();
  }
}
// The OpenB and contention commands take a few seconds each. The budgets that are ratios of two of them
// (mesos vs kube) time the two in alternated pairs, each pair's ratio taken and the median of those, as the
// engine-vs-kernel budget does: with three runs of each in a row, a slow phase of the machine that fell on
// mesos' runs only read 2.75x where the run before, on the same code, read 2.05x. The other OpenB commands
// are the median of three runs in a row.
const openbOf = (strategy: string) => () => runWhole("openb-default", "openb-default", strategy, 8152);
const obPairs = alternatedPairs(RATIO_PAIRS, openbOf("kube"), openbOf("mesos"));
const obPaired: Record<string, WholeResult> = { kube: obPairs.a, mesos: obPairs.b };
for (const strategy of strategyIds()) whole.push(obPaired[strategy] ?? median3(openbOf(strategy)));
whole.push(median3(() => runWhole("openb-default, all four in one command", "openb-default", "all", 8152)));
const contentionOf = (strategy: string) => () => runWhole("contention-1k at 10,000 nodes, rate 100", "contention-1k", strategy, 5000, ["--set", "cluster.count=10000", "--set", "workload.rate=100"]);
const cPairs = skipScale ? undefined : alternatedPairs(RATIO_PAIRS, contentionOf("kube"), contentionOf("mesos"));
if (cPairs) whole.push(cPairs.a, cPairs.b);
for (const r of whole.filter((w) => !w.label.startsWith("10,000"))) log(`whole ${r.strategy.padEnd(6)} ${r.label}: ${r.wall_s.toFixed(2)} s, ${r.peak_rss_mb} MB`);

probe("end of the whole commands");
log("OpenB trace import + kube (peak memory)...");
const openb = runScenarioPoint("kube", "openb-default");

log("cost of --check-invariants...");
const checks = runCheckCost(["contention-1k", "openb-default"], quick ? 1 : 3);

interface Budget {
  readonly budget: string;
  readonly limit: string;
  readonly measured: string;
  /** null: not measured on this machine; "info": measured beside a budget, with no limit of its own. */
  readonly pass: boolean | null | "info";
}
const budgets: Budget[] = [];
const startLimits: Record<string, number> = { "cosched --version": 0.3, "cosched run seed-two-nodes": 0.6 };
for (const s of startup) {
  const limit = startLimits[s.command]!;
  budgets.push({ budget: `${s.command}: whole process (median of ${s.runs})`, limit: `<= ${limit} s`, measured: `${s.wall_s.toFixed(3)} s`, pass: s.wall_s <= limit });
}
const at = (strategy: string, nodes: number, groups: number) => scale.find((r) => r.strategy === strategy && r.nodes === nodes && r.groups === groups);
const hold = micro.find((m) => m.name.startsWith("queue hold: engine"))!;
budgets.push({ budget: "engine queue, hold model", limit: ">= 8.00M events/s", measured: `${fmt(hold.perSecond)} events/s`, pass: hold.perSecond >= 8e6 });
if (peer.simpySeconds !== null) {
  const ratio = peer.simpySeconds / peer.coschedSeconds;
  budgets.push({ budget: "engine vs SimPy (hold model, warm run)", limit: ">= 8x faster", measured: `${ratio.toFixed(1)}x (cold run: ${(peer.simpySeconds / peer.coschedColdSeconds).toFixed(1)}x)`, pass: ratio >= 8 });
} else {
  budgets.push({ budget: "engine vs SimPy (hold model, warm run)", limit: ">= 8x faster", measured: "skipped: SimPy not importable", pass: null });
}
const limits: Record<string, number> = { kube: 5, naive: 8, mesos: 10, omega: 10 };
for (const strategy of strategyIds()) {
  const r = at(strategy, 10_000, 100_000);
  if (r === undefined) continue;
  const limit = limits[strategy] ?? 10;
  budgets.push({ budget: `${strategy}: 10,000 nodes x 100,000 groups`, limit: `<= ${limit} s`, measured: `${r.wall_s.toFixed(2)} s`, pass: r.wall_s <= limit });
  budgets.push({ budget: `${strategy}: peak RSS at 10,000 x 100,000`, limit: "<= 1536 MB", measured: `${r.peak_rss_mb.toFixed(0)} MB`, pass: r.peak_rss_mb <= 1536 });
  const small = at(strategy, 10_000, 10_000);
  const large = at(strategy, 10_000, 300_000);
  if (small && large) {
    const growth = large.us_per_group / small.us_per_group;
    budgets.push({ budget: `${strategy}: time/group at 300k vs 10k groups`, limit: "<= 1.1x", measured: `${growth.toFixed(2)}x`, pass: growth <= 1.1 });
    // The performance issue's live heap per group: the JS heap each group adds once the simulation has ended
    // (after a full collection, 300k vs 10k groups on the same cluster). What GC must trace grows with it.
    const perGroup = (mb: (r: ScaleResult) => number): number => ((mb(large) - mb(small)) * 1024) / (large.groups - small.groups);
    const heapKb = perGroup((r) => r.live_heap_mb);
    budgets.push({ budget: `${strategy}: live JS heap per group (after the simulation, 300k vs 10k groups)`, limit: "<= 0.5 KB", measured: `${heapKb.toFixed(2)} KB`, pass: heapKb <= 0.5 });
    // Beside it, not budgeted: typed arrays (workload columns, event log: outside the traced heap) and peak RSS
    // (which also holds the summary tables and what GC has not yet returned).
    budgets.push({ budget: `${strategy}: typed arrays per group (workload columns and event log, same runs)`, limit: "-", measured: `${perGroup((r) => r.typed_arrays_mb).toFixed(2)} KB`, pass: "info" });
    budgets.push({ budget: `${strategy}: peak RSS added per group (same runs)`, limit: "-", measured: `${perGroup((r) => r.peak_rss_mb).toFixed(2)} KB`, pass: "info" });
  }
}
// Whole commands (budgets of the performance issue).
const wholeAt = (label: string, strategy: string) => whole.find((w) => w.label === label && w.strategy === strategy);
for (const strategy of strategyIds()) {
  const w100 = wholeAt("10,000 nodes x 100,000 groups", strategy);
  const walls100 = wholeWalls.get(`10,000 nodes x 100,000 groups\u0000${strategy}`) ?? [];
  const of100 = walls100.length > 1 ? `, median of ${walls100.length} interleaved runs` : "";
  const range100 = walls100.length > 1 ? `; runs ${Math.min(...walls100).toFixed(2)}-${Math.max(...walls100).toFixed(2)} s` : "";
  if (w100) budgets.push({ budget: `${strategy}: whole cosched run, 10,000 nodes x 100,000 groups, CSV written${of100}`, limit: "<= 3 s", measured: `${w100.wall_s.toFixed(2)} s (simulate ${w100.simulate_s.toFixed(2)}, summarize ${w100.summarize_s.toFixed(2)}, write ${w100.write_s.toFixed(2)}${range100})`, pass: w100.wall_s <= 3 });
  const w300 = wholeAt("10,000 nodes x 300,000 groups", strategy);
  if (w300) {
    budgets.push({ budget: `${strategy}: whole cosched run, 10,000 nodes x 300,000 groups, CSV written`, limit: "<= 12 s", measured: `${w300.wall_s.toFixed(2)} s`, pass: w300.wall_s <= 12 });
    budgets.push({ budget: `${strategy}: peak RSS of that command`, limit: "<= 1024 MB", measured: `${w300.peak_rss_mb} MB`, pass: w300.peak_rss_mb <= 1024 });
  }
}
for (const strategy of everyStrategy()) {
  const g = wholeAt(GANG_LABEL, strategy);
  if (!g) continue;
  budgets.push({ budget: `${strategy}: whole cosched run, ${GANG_LABEL}`, limit: "<= 10 s", measured: `${g.wall_s.toFixed(2)} s (simulate ${g.simulate_s.toFixed(2)}, summarize ${g.summarize_s.toFixed(2)}, write ${g.write_s.toFixed(2)})`, pass: g.wall_s <= 10 });
  budgets.push({ budget: `${strategy}: peak RSS of the gang command`, limit: "<= 1536 MB", measured: `${g.peak_rss_mb} MB`, pass: g.peak_rss_mb <= 1536 });
}
const obAll = wholeAt("openb-default, all four in one command", "all");
if (obAll) budgets.push({ budget: "openb-default, all four strategies, one whole command", limit: "<= 2 s", measured: `${obAll.wall_s.toFixed(2)} s`, pass: obAll.wall_s <= 2 });
const ratioBudget = (what: string, limit: number, p: Paired<WholeResult>): Budget => ({
  budget: `mesos vs kube on ${what} (whole commands, median of ${p.ratios.length} alternated pairs)`,
  limit: `<= ${limit}x`,
  measured: `${p.median.toFixed(2)}x (pairs ${Math.min(...p.ratios).toFixed(2)}-${Math.max(...p.ratios).toFixed(2)}x; medians ${p.b.wall_s.toFixed(2)} s vs ${p.a.wall_s.toFixed(2)} s)`,
  pass: p.median <= limit,
});
budgets.push(ratioBudget("openb-default", 2, obPairs));
if (cPairs) budgets.push(ratioBudget("contention-1k at 10,000 nodes, rate 100", 3, cPairs));
const kernel = micro.find((m) => m.name.startsWith("queue hold: reference typed heap"));
if (kernel) {
  // The budget compares alternated pairs (holdVersusKernel); tinybench's two medians, taken minutes apart, are shown beside.
  const apart = `${((100 * hold.perSecond) / kernel.perSecond).toFixed(0)} %`;
  budgets.push({ budget: "engine hold model vs the typed-array kernel (same run, median of 11 alternated pairs)", limit: ">= 90 %", measured: `${(100 * versusKernel.median).toFixed(0)} % (pairs ${Math.round(100 * Math.min(...versusKernel.ratios))}-${Math.round(100 * Math.max(...versusKernel.ratios))} %; tinybench medians: ${apart})`, pass: versusKernel.median >= 0.9 });
}

if (nodePairs) {
  const { ratios, median } = nodePairs;
  budgets.push({ budget: `kube: 50,000 vs 10,000 nodes (100k groups, median of ${ratios.length} alternated pairs)`, limit: "<= 2x", measured: `${median.toFixed(2)}x (pairs ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x; medians ${nodePairs.b.wall_s.toFixed(2)} s vs ${nodePairs.a.wall_s.toFixed(2)} s)`, pass: median <= 2 });
}

budgets.push({ budget: "OpenB import + kube: peak RSS", limit: "<= 300 MB", measured: `${openb.peak_rss_mb.toFixed(0)} MB (${openb.wall_s.toFixed(2)} s)`, pass: openb.peak_rss_mb <= 300 });
budgets.push({
  budget: "machine probe: a fixed int32 loop in a fresh process, median of 3 (lower is faster; no budget: it says which phase of this shared machine the run fell in)",
  limit: "-",
  measured: probes.map((p) => `${p.at} ${p.ms.toFixed(0)} ms`).join("; "),
  pass: "info",
});

mkdirSync(OUT, { recursive: true });
const withMachine = <T extends object>(rows: T[]) => rows.map((r) => ({ ...machine, ...r }));
writeFileSync(join(OUT, "micro.csv"), stringify(withMachine(micro.map((m) => ({ benchmark: m.name, unit: m.unit, work: m.work, per_second: Math.round(m.perSecond), iterations: m.iterations }))), { header: true }));
writeFileSync(
  join(OUT, "peer.csv"),
  stringify(withMachine([{ model: peer.model, events: peer.events, cosched_s: peer.coschedSeconds, cosched_cold_s: peer.coschedColdSeconds, simpy_s: peer.simpySeconds ?? "", speedup: peer.simpySeconds === null ? "" : peer.simpySeconds / peer.coschedSeconds, python: peer.python ?? "", note: peer.note }]), { header: true }),
);
if (scale.length > 0) {
  writeFileSync(join(OUT, "scale.csv"), stringify(withMachine(scale), { header: true }));
  writeFileSync(join(OUT, "scale.svg"), await scaleChart(scale));
}
writeFileSync(join(OUT, "startup.csv"), stringify(withMachine(startup), { header: true }));
writeFileSync(join(OUT, "whole.csv"), stringify(withMachine(whole), { header: true }));
writeFileSync(join(OUT, "check.csv"), stringify(withMachine(checks), { header: true }));
writeFileSync(join(OUT, "budgets.csv"), stringify(withMachine(budgets.map((b) => ({ ...b, pass: b.pass === null ? "skipped" : b.pass === "info" ? "info" : b.pass ? "PASS" : "FAIL" }))), { header: true }));

const table: string[][] = [["measure", "result", "budget", ""]];
for (const m of micro) table.push([m.name, `${fmt(m.perSecond)} ${m.unit}`, "", ""]);
table.push([`peer: cosched, ${peer.model}`, `${peer.coschedSeconds.toFixed(3)} s warm (${fmt(peer.events / peer.coschedSeconds)} events/s), ${peer.coschedColdSeconds.toFixed(3)} s cold`, "", ""]);
table.push([`peer: SimPy (${peer.python ?? "not found"})`, peer.simpySeconds === null ? "skipped" : `${peer.simpySeconds.toFixed(3)} s`, "", ""]);
for (const r of scale) table.push([`scale ${r.strategy} ${r.nodes} nodes x ${r.groups} groups`, `${r.wall_s.toFixed(2)} s, ${fmt(r.events_per_s)} ev/s, ${r.us_per_group.toFixed(1)} us/group, ${r.peak_rss_mb.toFixed(0)} MB`, "", ""]);
for (const c of checks) table.push([`--check-invariants ${c.scenario} ${c.strategy}`, `${c.plain_s.toFixed(3)} s -> ${c.checked_s.toFixed(3)} s (x${c.slowdown.toFixed(2)})`, "", ""]);
for (const b of budgets) table.push([b.budget, b.measured, b.limit, b.pass === null ? "SKIP" : b.pass === "info" ? "INFO" : b.pass ? "PASS" : "FAIL"]);
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const [i, row] of table.entries()) {
  process.stdout.write(`${row.map((c, j) => c.padEnd(widths[j]!)).join("  ").trimEnd()}\n`);
  if (i === 0) process.stdout.write(`${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
}
log(`wrote ${OUT}/{startup,micro,peer,scale,whole,check,budgets}.csv and scale.svg`);

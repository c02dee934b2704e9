// Not part of npm run bench (it takes minutes more); run it on its own after a change that moves memory: node --import tsx bench/memory.ts
// Peak RSS of whole `cosched run` commands (main thread, run thread, CSV written) against the drivers of
// the memory estimate: nodes, groups, containers per group, timeseries samples, node failures, strategy.
// Writes results/bench/memory.csv; test/memory-estimate.test.ts holds the estimate to these measurements.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { estimateRun } from "../sim/workload/estimate.ts";
import { validateScenario } from "../sim/workload/scenario.ts";
import { RATE_PER_NODE } from "./scale-scenario.ts";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");

export interface MemoryPoint {
  readonly label: string;
  readonly strategy: string;
  readonly nodes: number;
  readonly groups: number;
  readonly members: readonly [number, number];
  readonly sampleEvery: number;
  /** Horizon beyond the last arrival, seconds. */
  readonly tail: number;
  readonly mtbf?: number;
}

export interface MemoryResult extends MemoryPoint {
  readonly samples: number;
  readonly estimate_mb: number;
  readonly measured_mb: number;
  readonly wall_s: number;
}

export function scenarioOf(p: MemoryPoint): Record<string, unknown> {
  const rate = p.nodes * RATE_PER_NODE;
  return {
    name: p.label,
    horizon: Math.ceil(p.groups / rate + p.tail),
    sampleEvery: p.sampleEvery,
    decision: { tJob: 0.0002, tTask: 0.0001 },
    cluster: { type: "generate", count: p.nodes, capacity: { cpu: 32000, memory: 131072 }, heterogeneity: 0.25 },
    workload: {
      type: "generate",
      groups: p.groups,
      rate,
      members: { min: p.members[0], max: p.members[1] },
      request: { cpu: { dist: "uniform", min: 200, max: 1500 }, memory: { dist: "lognormal", median: 2048, sigma: 0.8 } },
      duration: { dist: "lognormal", median: 300, sigma: 0.5 },
      delay: { dist: "uniform", min: 0, max: 2 },
    },
    ...(p.mtbf ? { faults: { random: { mtbf: p.mtbf, mttr: 60 } } } : {}),
  };
}

export const POINTS: MemoryPoint[] = [
  { label: "tiny", strategy: "kube", nodes: 10, groups: 10, members: [2, 4], sampleEvery: 60, tail: 3000 },
  ...["kube", "mesos", "omega", "naive"].flatMap((strategy): MemoryPoint[] => [
    { label: "10k nodes x 10k groups", strategy, nodes: 10_000, groups: 10_000, members: [2, 4], sampleEvery: 60, tail: 3000 },
    { label: "10k nodes x 100k groups", strategy, nodes: 10_000, groups: 100_000, members: [2, 4], sampleEvery: 60, tail: 3000 },
    { label: "10k nodes x 300k groups", strategy, nodes: 10_000, groups: 300_000, members: [2, 4], sampleEvery: 60, tail: 3000 },
    { label: "200k nodes x 10k groups", strategy, nodes: 200_000, groups: 10_000, members: [2, 4], sampleEvery: 60, tail: 3000 },
  ]),
  { label: "1M nodes x 10k groups", strategy: "kube", nodes: 1_000_000, groups: 10_000, members: [2, 4], sampleEvery: 60, tail: 3000 },
  { label: "1M nodes x 10k groups", strategy: "omega", nodes: 1_000_000, groups: 10_000, members: [2, 4], sampleEvery: 60, tail: 3000 },
  { label: "8-16 containers, 50k groups", strategy: "kube", nodes: 10_000, groups: 50_000, members: [8, 16], sampleEvery: 60, tail: 3000 },
  { label: "8-16 containers, 50k groups", strategy: "naive", nodes: 10_000, groups: 50_000, members: [8, 16], sampleEvery: 60, tail: 3000 },
  { label: "300k samples", strategy: "kube", nodes: 1_000, groups: 5_000, members: [2, 4], sampleEvery: 0.01, tail: 2500 },
  { label: "1M samples", strategy: "kube", nodes: 1_000, groups: 5_000, members: [2, 4], sampleEvery: 0.1, tail: 100_000 },
  { label: "1M samples", strategy: "mesos", nodes: 1_000, groups: 5_000, members: [2, 4], sampleEvery: 0.1, tail: 100_000 },
  { label: "node failures", strategy: "kube", nodes: 10_000, groups: 10_000, members: [2, 4], sampleEvery: 60, tail: 20_000, mtbf: 600 },
];

/** Runs one point as a user would (`cosched run FILE --strategy S`), measuring the peak RSS of the whole process. */
export function measure(p: MemoryPoint): MemoryResult {
  const dir = mkdtempSync(join(tmpdir(), "cosched-memory-"));
  try {
    const file = join(dir, "s.json");
    const raw = scenarioOf(p);
    writeFileSync(file, JSON.stringify(raw));
    const spec = validateScenario(file, raw).spec;
    const t0 = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, BIN, "run", file, "--strategy", p.strategy, "--out", join(dir, "out"), "--quiet", "--max-memory", "100GB"], { encoding: "utf8" });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${p.label} ${p.strategy}: ${r.stderr}`);
    const kb = Number(r.stderr.trim().split("\n").at(-1));
    const e = estimateRun(spec, dir, p.strategy);
    return { ...p, samples: Math.round(e.samples), estimate_mb: Math.round(e.bytes / 1e6), measured_mb: Math.round((kb * 1024) / 1e6), wall_s: Math.round(wall * 100) / 100 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { stringify } = await import("csv-stringify/sync");
  const rows: MemoryResult[] = [];
  for (const p of POINTS) {
    const r = measure(p);
    rows.push(r);
    process.stderr.write(`${p.label} ${p.strategy}: measured ${r.measured_mb} MB, estimated ${r.estimate_mb} MB (${r.wall_s} s)\n`);
  }
  writeFileSync(resolve(import.meta.dirname, "../results/bench/memory.csv"), stringify(rows.map((r) => ({ ...r, members: `${r.members[0]}-${r.members[1]}`, mtbf: r.mtbf ?? "" })), { header: true }));
}

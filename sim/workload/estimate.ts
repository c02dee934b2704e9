import type { Dist } from "./distributions.ts";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { InputError } from "./errors.ts";
import type { ScenarioSpec, SourceSpec } from "./schema.ts";

/** What a run of a scenario will hold in memory, estimated from the spec before anything is built. */
export interface Estimate {
  readonly nodes: number;
  readonly groups: number;
  readonly membersPerGroup: number;
  /** Timeseries samples (horizon / sampleEvery). */
  readonly samples: number;
  /** Node failures and recoveries of the random failure process. */
  readonly faultEvents: number;
  readonly bytes: number;
  /** The JSON path of the largest contributor, for the message. */
  readonly driver: string;
}

/**
 * Bytes of peak RSS of a whole `cosched run` (main thread, run thread,
 * summaries and CSV writing), per item, fitted by non-negative least squares
 * on relative error to the measurements of bench/memory.ts
 * (results/bench/memory.csv, 2026-12-06: 25 runs from 10 nodes to 1M nodes,
 * 10 to 300k groups, 2-4 and 8-16 containers, up to 1M samples, 600k failure
 * events; every one within -8 % .. +23 % of its measured peak, see
 * test/memory-estimate.test.ts). Containers cost more where each is
 * scheduled on its own (naive, and the container-level mesos and omega).
 * Refitted after the main thread came to touch a run's memory while it
 * simulates (sim/execute/prefault.ts: the summaries' arrays are resident from
 * the start) and groups took less heap.
 */
const BASE = 119e6;
const PER_NODE: Record<string, number> = { mesos: 695 };
const PER_NODE_OTHER = 360;
const PER_GROUP: Record<string, number> = { kube: 370, mesos: 0, omega: 0, naive: 645 };
const PER_MEMBER: Record<string, number> = { kube: 400 };
const PER_MEMBER_OTHER = 695;
const PER_SAMPLE = 245;
const PER_FAULT = 85;
/** The estimate is held to the budget with this margin for its own error. */
export const SAFETY = 1.25;

/** Rows of a trace file, from its size and the mean length of its first lines; capped by `limit`. */
function traceRows(file: string, limit: number | undefined): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return limit ?? 0;
  }
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(Math.min(size, 1 << 16));
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const lines = Math.max(1, buffer.subarray(0, read).toString("utf8").split("\n").length - 1);
    const rows = Math.ceil(size / Math.max(1, read / lines));
    return limit === undefined ? rows : Math.min(rows, limit);
  } finally {
    closeSync(fd);
  }
}

/** Groups of one workload source, and members per group. */
function sourceSize(w: SourceSpec, baseDir: string): [number, number] {
  if (w.type === "inline") {
    const members = (g: (typeof w.groups)[number]): number => g.members?.length ?? (g.pods ?? []).reduce((n, p) => n + p.count * p.members.length, 0);
    return [w.groups.length, w.groups.reduce((n, g) => n + members(g), 0) / Math.max(1, w.groups.length)];
  }
  if (w.type === "generate") return [w.groups, ((w.members.min + w.members.max) / 2) * (w.pods === undefined ? 1 : meanOf(w.pods))];
  const file = w.type === "openb" ? w.pods : w.type === "google2011" ? w.taskEvents : w.tasks;
  return [traceRows(resolve(baseDir, file), w.limit), 4];
}

/** The estimate for `strategy`, or for the most demanding strategy when none is given. */
export function estimateRun(spec: ScenarioSpec, baseDir: string, strategy?: string): Estimate {
  const c = spec.cluster;
  const nodes =
    c.type === "inline" ? c.nodes.length
    : c.type === "generate" ? c.count
    : c.type === "pools" ? c.pools.reduce((n, p) => n + p.count, 0)
    : c.type === "openb" ? traceRows(resolve(baseDir, c.nodes), undefined)
    : traceRows(resolve(baseDir, c.machines), undefined);
  const w = spec.workload;
  const sources = w.type === "classes" ? w.classes.map((c) => c.workload) : [w];
  let groups = 0;
  let memberCount = 0;
  for (const source of sources) {
    const [g, m] = sourceSize(source, baseDir);
    groups += g;
    memberCount += g * m;
  }
  const members = memberCount / Math.max(1, groups);
  const samples = spec.horizon / spec.sampleEvery + 1;
  const random = spec.faults.random;
  const faultEvents = random === undefined ? 0 : (2 * nodes * spec.horizon) / (random.mtbf + random.mttr);
  const ids = strategy === undefined ? Object.keys(PER_GROUP) : [strategy];
  let bytes = 0;
  let driver = "";
  for (const id of ids) {
    const parts: [string, number][] = [
      [c.type === "generate" ? "$.cluster.count" : c.type === "pools" ? "$.cluster.pools" : "$.cluster", nodes * (PER_NODE[id] ?? PER_NODE_OTHER)],
      [w.type === "classes" ? "$.workload.classes" : w.type === "generate" || w.type === "inline" ? "$.workload.groups" : "$.workload.limit", groups * ((PER_GROUP[id] ?? Math.max(...Object.values(PER_GROUP))) + members * (PER_MEMBER[id] ?? PER_MEMBER_OTHER))],
      ["$.sampleEvery", samples * PER_SAMPLE],
      ["$.faults.random.mtbf", faultEvents * PER_FAULT],
    ];
    const total = BASE + parts.reduce((sum, [, b]) => sum + b, 0);
    if (total > bytes) {
      bytes = total;
      driver = parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    }
  }
  return { nodes, groups, membersPerGroup: members, samples, faultEvents, bytes, driver };
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "more than any machine has";
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/**
 * How much memory a command may use: `total` for all its runs at once (the
 * --max-memory flag; by default 80 % of the machine's memory), and at most
 * `perRun` for one run (the JavaScript heap limit of a thread: one run lives
 * in one thread).
 */
export interface Budget {
  readonly total: number;
  readonly perRun: number;
  /** How the total was set, for messages. */
  readonly source: string;
}

export function memoryBudget(maxMemory?: number): Budget {
  const perRun = getHeapStatistics().heap_size_limit;
  if (maxMemory !== undefined) return { total: maxMemory, perRun: Math.min(perRun, maxMemory), source: "--max-memory" };
  return { total: 0.8 * totalmem(), perRun, source: "80 % of this machine's memory" };
}

/**
 * Refuses, before anything is built, a scenario whose runs would not fit:
 * one run's estimate (with its safety margin) over the per-run limit, or
 * `concurrent` runs at once over the total. The InputError names `where`
 * (the file, or a sweep's grid point), the JSON path that drives the size,
 * and what to change.
 */
export function assertWithinBudget(where: string, spec: ScenarioSpec, baseDir: string, budget: Budget, strategies: readonly string[], concurrent = 1): Estimate {
  const estimates = strategies.map((s) => estimateRun(spec, baseDir, s));
  const e = estimates.reduce((a, b) => (b.bytes > a.bytes ? b : a), estimates[0] ?? estimateRun(spec, baseDir));
  const need = e.bytes * SAFETY;
  const what = `${Math.round(e.nodes)} nodes, ${Math.round(e.groups)} groups of ~${e.membersPerGroup.toFixed(1)} containers, ${Math.round(e.samples)} samples`;
  if (need > budget.perRun) {
    const byFlag = budget.perRun < getHeapStatistics().heap_size_limit;
    throw new InputError(
      `${where}: ${e.driver}: one run would need about ${formatBytes(need)} (${what}; estimate plus ${Math.round((SAFETY - 1) * 100)} % for its error), over the ${formatBytes(budget.perRun)} a run may use ` +
        `(${byFlag ? "--max-memory" : "the JavaScript heap limit"}); make it smaller, or raise ${byFlag ? "--max-memory" : "the limit with NODE_OPTIONS=--max-old-space-size=MB"}`,
    );
  }
  if (need * concurrent > budget.total) {
    const fit = runsThatFit(e, budget);
    throw new InputError(
      `${where}: ${e.driver}: ${concurrent} runs at once would need about ${formatBytes(need * concurrent)} (${formatBytes(need)} each: ${what}), over the memory budget of ${formatBytes(budget.total)} (${budget.source}); ` +
        (concurrent > 1 && fit >= 1 ? `run it with --workers ${fit}, ` : "") +
        `make it smaller, or raise the budget with --max-memory`,
    );
  }
  return e;
}

/** How many runs of this estimate (with its margin) fit in the budget's total at once; 0 when not even one does. */
export function runsThatFit(e: Estimate, budget: Budget): number {
  return Math.floor(budget.total / (e.bytes * SAFETY));
}

// Wall time per group (µs) of each strategy in whole small and medium commands (contention-1k and the
// scale benchmark, CSV written, 2-core machine); other strategies take the slowest. A run also pays about
// 0.1 s to start. Rough: contention and the workload's shape move it by several times.
const US_PER_GROUP: Record<string, number> = { kube: 40, mesos: 60, omega: 50, naive: 70 };

/** Rough wall time of one run, in seconds: for planning sweeps (`--dry-run`), not a promise. */
export function estimateSeconds(e: Estimate, strategy: string): number {
  const perGroup = US_PER_GROUP[strategy] ?? Math.max(...Object.values(US_PER_GROUP));
  return 0.1 + (e.groups * perGroup * Math.max(1, e.membersPerGroup / 3)) / 1e6 + e.samples * 2e-6 + e.nodes * 1e-6;
}

/** The mean of a distribution, for estimates (an empirical one read from a file counts as 32). */
function meanOf(d: Dist): number {
  if (typeof d === "number") return d;
  switch (d.dist) {
    case "fixed":
      return d.value;
    case "uniform":
      return (d.min + d.max) / 2;
    case "exponential":
      return d.mean;
    case "lognormal":
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case "choice": {
      const w = d.weights ?? d.values.map(() => 1);
      const total = w.reduce((a, b) => a + b, 0);
      return total === 0 ? 0 : d.values.reduce((a, v, i) => a + v * w[i]!, 0) / total;
    }
    case "empirical":
      return d.values === undefined ? 32 : d.values.reduce((a, b) => a + b, 0) / Math.max(1, d.values.length);
  }
}

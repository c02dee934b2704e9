import { closeSync, openSync, readSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import { InputError } from "./errors.ts";
import type { ScenarioSpec } from "./schema.ts";

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

// Bytes per item, fitted to peak RSS of `cosched run` (summaries and CSV writing included):
// contention-1k with kube at 50,000 groups 480 MB and 200,000 groups 1,006 MB (~3 members each).
const BASE = 250e6;
const PER_NODE = 2_000;
const PER_GROUP = 2_000;
const PER_MEMBER = 600;
const PER_SAMPLE = 400;
const PER_FAULT = 200;

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

export function estimateRun(spec: ScenarioSpec, baseDir: string): Estimate {
  const c = spec.cluster;
  const nodes =
    c.type === "inline" ? c.nodes.length
    : c.type === "generate" ? c.count
    : c.type === "pools" ? c.pools.reduce((n, p) => n + p.count, 0)
    : c.type === "openb" ? traceRows(resolve(baseDir, c.nodes), undefined)
    : traceRows(resolve(baseDir, c.machines), undefined);
  const w = spec.workload;
  let groups: number;
  let members: number;
  if (w.type === "inline") {
    groups = w.groups.length;
    members = w.groups.reduce((n, g) => n + g.members.length, 0) / Math.max(1, groups);
  } else if (w.type === "generate") {
    groups = w.groups;
    members = (w.members.min + w.members.max) / 2;
  } else {
    const file = w.type === "openb" ? w.pods : w.type === "google2011" ? w.taskEvents : w.tasks;
    groups = traceRows(resolve(baseDir, file), w.limit);
    members = 4;
  }
  const samples = spec.horizon / spec.sampleEvery;
  const random = spec.faults.random;
  const faultEvents = random === undefined ? 0 : (2 * nodes * spec.horizon) / (random.mtbf + random.mttr);
  const parts: [string, number][] = [
    [c.type === "generate" ? "$.cluster.count" : "$.cluster", nodes * PER_NODE],
    [w.type === "generate" || w.type === "inline" ? "$.workload.groups" : "$.workload.limit", groups * (PER_GROUP + members * PER_MEMBER)],
    ["$.sampleEvery", samples * PER_SAMPLE],
    ["$.faults.random.mtbf", faultEvents * PER_FAULT],
  ];
  const bytes = BASE + parts.reduce((sum, [, b]) => sum + b, 0);
  const driver = parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { nodes, groups, membersPerGroup: members, samples, faultEvents, bytes, driver };
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "more than any machine has";
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/** The default memory budget: the V8 heap limit (raise it with NODE_OPTIONS=--max-old-space-size=MB). */
export function defaultBudget(): number {
  return getHeapStatistics().heap_size_limit;
}

/**
 * Refuses, before anything is built, a scenario whose estimated memory
 * exceeds `budget` bytes: an InputError naming the file, the JSON path that
 * drives the size, and how to proceed.
 */
export function assertWithinBudget(file: string, spec: ScenarioSpec, budget: number, flag = "--max-memory"): Estimate {
  const e = estimateRun(spec, dirname(file));
  if (e.bytes > budget) {
    throw new InputError(
      `${file}: ${e.driver}: this run would need about ${formatBytes(e.bytes)} (${Math.round(e.nodes)} nodes, ${Math.round(e.groups)} groups of ~${e.membersPerGroup.toFixed(1)} containers, ${Math.round(e.samples)} samples), ` +
        `over the memory budget of ${formatBytes(budget)}; make it smaller, or raise the budget with ${flag} (and NODE_OPTIONS=--max-old-space-size=MB)`,
    );
  }
  return e;
}

// Wall time per group (µs) of each strategy in the scale benchmark (results/bench/scale.csv, 10,000 nodes x
// 100,000 groups, 2-core machine); other strategies take the slowest. A run also pays about 50 ms to start.
const US_PER_GROUP: Record<string, number> = { kube: 22, mesos: 31, omega: 26, naive: 45 };

/** Rough wall time of one run, in seconds: for planning sweeps (`--dry-run`), not a promise. */
export function estimateSeconds(e: Estimate, strategy: string): number {
  const perGroup = US_PER_GROUP[strategy] ?? Math.max(...Object.values(US_PER_GROUP));
  return 0.05 + (e.groups * perGroup * Math.max(1, e.membersPerGroup / 3)) / 1e6 + (e.samples * 2e-6 + e.nodes * 1e-6);
}

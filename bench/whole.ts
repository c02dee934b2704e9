import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { scaleSpec, gangSpec } from "./scale-scenario.ts";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");

/** One whole `cosched run` command, as a user runs it: the bundle, every CSV written. */
export interface WholeResult {
  readonly label: string;
  readonly strategy: string;
  readonly groups: number;
  /** Wall time of the whole process, seconds. */
  readonly wall_s: number;
  /** From the run's manifest: simulation, summaries and writing the tables (summed over its runs). */
  readonly simulate_s: number;
  readonly summarize_s: number;
  readonly write_s: number;
  /** The process's peak resident memory (its manifest's peak_rss_mb). */
  readonly peak_rss_mb: number;
  readonly events: number;
}

interface Manifest {
  readonly peak_rss_mb: number;
  readonly runs: readonly { events: number; simulate_s: number; summarize_s: number; write_s: number }[];
}

/** Runs `cosched run SCENARIO --strategy STRATEGY` in its own process and reads back its manifest. */
export function runWhole(label: string, scenario: string, strategy: string, groups: number, extra: readonly string[] = []): WholeResult {
  const out = mkdtempSync(join(tmpdir(), "cosched-whole-"));
  try {
    const dir = join(out, "run");
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, "run", scenario, "--strategy", strategy, "--out", dir, "--quiet", "--max-memory", "16GB", ...extra], { encoding: "utf8", maxBuffer: 1 << 24 });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`cosched run ${scenario} --strategy ${strategy} failed: ${r.stderr}`);
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    const sum = (k: "events" | "simulate_s" | "summarize_s" | "write_s") => m.runs.reduce((s, x) => s + x[k], 0);
    return { label, strategy, groups, wall_s: wall, simulate_s: sum("simulate_s"), summarize_s: sum("summarize_s"), write_s: sum("write_s"), peak_rss_mb: m.peak_rss_mb, events: sum("events") };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Writes the scale scenario of `nodes` x `groups` as a scenario file in `dir`; returns its path. */
export function scaleFile(dir: string, nodes: number, groups: number): string {
  const file = join(dir, `scale-${nodes}n-${groups}g.json`);
  writeFileSync(file, JSON.stringify(scaleSpec(nodes, groups)));
  return file;
}

/** Writes the gang scenario of `nodes` x `gangs` (scale-scenario.ts gangSpec) in `dir`; returns its path. */
export function gangFile(dir: string, nodes: number, gangs: number): string {
  const file = join(dir, `gangs-${nodes}n-${gangs}g.json`);
  writeFileSync(file, JSON.stringify(gangSpec(nodes, gangs)));
  return file;
}

/** A scratch folder for scenario files. */
export function scratch(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "cosched-bench-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

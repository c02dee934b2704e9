import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { RunJob } from "../execute/job.ts";
import { JobThreads } from "../execute/threads.ts";
import { LOG_SHAREABLE } from "../metrics/log.ts";
import type { RunRow } from "../metrics/summary.ts";
import { OutputFolder } from "../output/folder.ts";
import { joinParts } from "../output/parts.ts";
import { manifestPath, provenance } from "../output/manifest.ts";
import { MANIFEST } from "../output/ownership.ts";
import { ALL_TABLE_FILES } from "../output/tables.ts";
import { fileDigest } from "../workload/inputs.ts";
import { onInterrupt } from "../process/interrupt.ts";
import type { Scenario } from "../workload/scenario.ts";
import { scenarioName } from "../workload/scenario.ts";
import { createProgress } from "../process/progress.ts";
import { spread } from "../metrics/stats.ts";
import { count, pct, sci, sec, withSpread } from "../report/format.ts";
import { renderTable } from "../report/text-table.ts";

export interface RunCommand {
  readonly scenarios: readonly Scenario[];
  readonly strategies: readonly string[];
  /** Seeds to run; undefined = each scenario's own seed. */
  readonly seeds: readonly number[] | undefined;
  readonly out: string;
  readonly check: boolean;
  readonly log: (line: string) => void;
  /** Show progress (a bar on a TTY, periodic lines otherwise). */
  readonly progress?: boolean;
  /** Write into a folder holding files cosched did not write (never replacing them). */
  readonly force?: boolean;
  /** Write *.csv.gz. */
  readonly compress?: boolean;
  /** The command line, for the manifest. */
  readonly command?: readonly string[];
  /** Runs at once, each on its own worker thread (default 1). The tables are the same bytes for any number. */
  readonly workers?: number;
}

/** What a scenario is in a manifest: where it came from and its digest, never its whole text. */
export function scenarioProvenance(s: Scenario, outDir: string): Record<string, unknown> {
  return {
    name: scenarioName(s),
    file: manifestPath(s.file, outDir),
    sha256: fileDigest(s.file).sha256,
    overrides: s.overrides,
    inputs: s.inputs.map((i) => ({ path: i.path, file: manifestPath(i.file, outDir), ...fileDigest(i.file) })),
  };
}

/**
 * Runs every (scenario, strategy, seed) and writes the output folder: new,
 * empty or cosched's own (files cosched did not write are never replaced).
 * Interrupted (SIGINT, SIGTERM), it leaves nothing. Returns the run rows.
 */
export async function executeRuns(cmd: RunCommand): Promise<RunRow[]> {
  const out = new OutputFolder(cmd.out, { force: cmd.force ?? false, writes: [...ALL_TABLE_FILES, MANIFEST], replaces: ALL_TABLE_FILES, invalidatesCharts: true, exclusive: true });
  const plan = cmd.scenarios.flatMap((scenario) => cmd.strategies.flatMap((strategy) => (cmd.seeds ?? [scenario.spec.seed]).map((seed) => ({ scenario, strategy, seed }))));
  // Runs go to worker threads, so Ctrl-C is honoured at once whatever a run is doing.
  const workers = Math.max(1, Math.min(cmd.workers ?? 1, plan.length));
  const threads = new JobThreads(workers);
  const unregister = onInterrupt(async () => {
    await threads.terminate();
    out.abort();
  });
  const wallStart = performance.now();
  const horizon = plan.reduce((s, p) => s + p.scenario.spec.horizon, 0);
  const progress = createProgress("cosched run", horizon, { quiet: !cmd.progress, unit: "s simulated", format: compact });
  // One thread appends every run to the tables in turn; several write each run apart, joined in plan order at the end.
  const parts = workers === 1 ? [] : plan.map((_, i) => join(out.temp, `part-${String(i).padStart(6, "0")}`));
  // With a core to spare, this thread touches the memory a run is about to fill while it waits (sim/execute/prefault.ts),
  // and summarises the run's log as it is written, then writes the tables (sim/execute/follow.ts). The
  // validating checks need the run's own objects: such runs are summarised on their thread.
  const spare = workers < availableParallelism();
  const follow = spare && !cmd.check && LOG_SHAREABLE;
  const jobs = plan.map(({ scenario, strategy, seed }, i): RunJob => ({ scenario, strategy, seed, check: cmd.check, dir: parts[i] ?? out.temp, header: i === 0 || workers === 1, compress: cmd.compress ?? false, prefault: spare, follow }));
  // Simulated seconds: of the runs done, and of each run under way.
  let simulatedDone = 0;
  const underWay = new Map<number, number>();
  const started = plan.map(() => performance.now());
  try {
    for (const part of parts) mkdirSync(part);
    const results = await threads.runAll(jobs, {
      start: (i) => (started[i] = performance.now()),
      progress: cmd.progress
        ? (i, fraction, events) => {
            const { scenario, strategy, seed } = plan[i]!;
            underWay.set(i, fraction * scenario.spec.horizon);
            let simulated = simulatedDone;
            for (const x of underWay.values()) simulated += x;
            progress.update(simulated, `run ${i + 1}/${plan.length}: ${scenarioName(scenario)} ${strategy} seed ${seed}, ${compact(events / Math.max(0.001, (performance.now() - started[i]!) / 1000))} events/s`);
          }
        : undefined,
      done: (i, result) => {
        underWay.delete(i);
        simulatedDone += plan[i]!.scenario.spec.horizon;
        const line = `${result.scenario} ${plan[i]!.strategy} seed=${plan[i]!.seed}: ${result.groups} groups, ${result.events} events in ${(result.wallMs / 1000).toFixed(2)} s`;
        if (cmd.progress) progress.log(line);
        else cmd.log(line);
      },
    });
    if (workers > 1) joinParts(out.temp, parts, cmd.compress ?? false);
    const runs = results.map((result, i) => ({
      run_id: result.runId,
      scenario: result.scenario,
      strategy: plan[i]!.strategy,
      seed: plan[i]!.seed,
      events: result.events,
      wall_s: round(result.wallMs / 1000),
      simulate_s: round(result.simulateMs / 1000),
      summarize_s: round(result.summarizeMs / 1000),
      write_s: round(result.writeMs / 1000),
      events_per_s: Math.round(result.events / Math.max(result.simulateMs / 1000, 1e-9)),
    }));
    out.commit({
      fields: {
        kind: "run",
        ...provenance(cmd.command),
        wall_s: round((performance.now() - wallStart) / 1000),
        // The whole process's peak resident memory so far (runs execute in worker threads of it).
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        compressed: cmd.compress ?? false,
        workers,
        strategies: cmd.strategies,
        seeds: [...new Set(plan.map((p) => p.seed))].sort((a, b) => a - b),
        scenarios: cmd.scenarios.map((s) => scenarioProvenance(s, out.target)),
        runs,
      },
    });
    return results.map((r) => r.run);
  } catch (err) {
    // Stop the other threads first: one still writing its part while the temp folder goes made the removal
    // fail (ENOTEMPTY) and hid the run's own error.
    await threads.terminate();
    out.abort();
    throw err;
  } finally {
    await threads.terminate();
    unregister();
    progress.stop();
  }
}

/** 1234 -> "1234", 123456 -> "123k", 12345678 -> "12.3M". */
function compact(x: number): string {
  if (x < 1e5) return String(Math.round(x));
  if (x < 1e6) return `${Math.round(x / 1e3)}k`;
  return `${(x / 1e6).toFixed(x < 1e8 ? 1 : 0)}M`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** What the run summary's figures are, printed above it. */
export const SUMMARY_LEGEND =
  "Per scenario and strategy: means over runs (seeds), ± the half-width of the 95 % confidence interval across seeds where there are several. " +
  "Outcome columns count a run's groups; correct = share of them placed correctly; lat = the run's latency percentiles (s); util = time-averaged memory in use; held/wasted in MiB x s.";

/** Per (scenario, strategy) summary: every figure a mean over runs (seeds), with its spread across seeds. */
export function summaryTable(rows: readonly RunRow[]): string {
  const header = ["scenario", "strategy", "runs", "groups", "completed", "running", "pending", "split", "deadlock", "stalled", "abandon", "unsched", "correct", "lat p50", "lat p99", "util mem", "held mem·s", "wasted mem·s"];
  const byKey = new Map<string, RunRow[]>();
  for (const r of rows) {
    const key = `${r.scenario}\u0000${r.strategy}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const body = [...byKey.values()].map((rs) => {
    const s = (f: (r: RunRow) => number) => spread(rs.map(f));
    const n = (f: (r: RunRow) => number) => withSpread(s(f), count);
    return [
      rs[0]!.scenario,
      rs[0]!.strategy,
      String(rs.length),
      n((r) => r.groups),
      n((r) => r.completed),
      n((r) => r.running),
      n((r) => r.pending),
      n((r) => r.split),
      n((r) => r.deadlocked),
      n((r) => r.stalled),
      n((r) => r.abandoned),
      n((r) => r.unschedulable),
      withSpread(s((r) => r.correct_rate), pct),
      withSpread(s((r) => r.latency_p50), sec),
      withSpread(s((r) => r.latency_p99), sec),
      withSpread(s((r) => r.util_memory), pct),
      withSpread(s((r) => r.held_memory_s), sci),
      withSpread(s((r) => r.wasted_memory_s), sci),
    ];
  });
  return renderTable(header, body);
}

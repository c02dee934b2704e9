import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assertOutcomes } from "../check/outcomes.ts";
import { OutputFolder } from "../metrics/output.ts";
import { appendTables, summarize } from "../metrics/report.ts";
import type { RunRow } from "../metrics/summary.ts";
import { runOnceAsync } from "../runner.ts";
import { onInterrupt } from "./interrupt.ts";
import type { Scenario } from "../workload/scenario.ts";
import { scenarioName } from "../workload/scenario.ts";
import { createProgress } from "./progress.ts";
import { renderTable } from "./table.ts";

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
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Runs every (scenario, strategy, seed), writes the output folder atomically,
 * returns the run rows. Interrupted (SIGINT, SIGTERM), it leaves nothing.
 */
export async function executeRuns(cmd: RunCommand): Promise<RunRow[]> {
  const out = new OutputFolder(cmd.out);
  const unregister = onInterrupt(() => out.abort());
  const rows: RunRow[] = [];
  const runs: Record<string, unknown>[] = [];
  const wallStart = performance.now();
  const total = cmd.scenarios.reduce((n, s) => n + (cmd.seeds ?? [s.spec.seed]).length * cmd.strategies.length, 0);
  const progress = createProgress("cosched run", total * 100, { quiet: !cmd.progress });
  let runsDone = 0;
  try {
    for (const scenario of cmd.scenarios) {
      const seeds = cmd.seeds ?? [scenario.spec.seed];
      for (const strategy of cmd.strategies) {
        for (const seed of seeds) {
          const t0 = performance.now();
          const onProgress = (fraction: number, events: number): void =>
            progress.update(runsDone * 100 + Math.round(fraction * 100), `${scenarioName(scenario)} ${strategy} seed ${seed}, ${Math.round(events / Math.max(0.001, (performance.now() - t0) / 1000))} events/s`);
          const result = await runOnceAsync(scenario, strategy, seed, cmd.progress ? { check: cmd.check, onProgress } : { check: cmd.check });
          runsDone++;
          const tables = summarize(result);
          if (cmd.check) assertOutcomes(result, tables.groups);
          appendTables(out, tables);
          rows.push(tables.run);
          const seconds = result.wallMs / 1000;
          runs.push({
            run_id: result.runId,
            scenario: result.scenario,
            strategy,
            seed,
            events: result.events,
            wall_s: round(seconds),
            events_per_s: Math.round(result.events / Math.max(seconds, 1e-9)),
          });
          cmd.log(
            `${result.scenario} ${strategy} seed=${seed}: ${result.workload.groups.length} groups, ` +
              `${result.events} events in ${seconds.toFixed(2)} s`,
          );
        }
      }
    }
    out.writeJson("manifest.json", {
      tool: "cosched",
      version: packageVersion(),
      git_commit: gitCommit(),
      node: process.version,
      created: new Date().toISOString(),
      wall_s: round((performance.now() - wallStart) / 1000),
      strategies: cmd.strategies,
      seeds: cmd.seeds ?? "scenario default",
      scenarios: cmd.scenarios.map((s) => ({ name: scenarioName(s), file: s.file, overrides: s.overrides, resolved: s.spec, params: s.params })),
      runs,
    });
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    unregister();
    progress.stop();
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return null;
  }
}

const pct = (x: number): string => (Number.isNaN(x) ? "-" : `${(100 * x).toFixed(1)}%`);
const sec = (x: number): string => (Number.isNaN(x) ? "-" : x < 10 ? x.toFixed(3) : x.toFixed(1));

/** Per (scenario, strategy) summary, averaged over seeds. */
export function summaryTable(rows: readonly RunRow[]): string {
  const keys: string[] = [];
  const byKey = new Map<string, RunRow[]>();
  for (const r of rows) {
    const key = `${r.scenario}\u0000${r.strategy}`;
    if (!byKey.has(key)) {
      byKey.set(key, []);
      keys.push(key);
    }
    byKey.get(key)!.push(r);
  }
  const avg = (rs: RunRow[], f: (r: RunRow) => number): number => {
    const xs = rs.map(f).filter((x) => !Number.isNaN(x));
    return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const header = ["scenario", "strategy", "runs", "groups", "completed", "running", "pending", "split", "deadlock", "abandon", "unsched", "correct", "lat p50", "lat p99", "util mem", "held mem·s", "wasted mem·s"];
  const body = keys.map((key) => {
    const rs = byKey.get(key)!;
    const total = (f: (r: RunRow) => number): string => String(rs.reduce((a, r) => a + f(r), 0));
    const correct = rs.reduce((a, r) => a + r.correct_rate * r.groups, 0) / rs.reduce((a, r) => a + r.groups, 0);
    return [
      rs[0]!.scenario,
      rs[0]!.strategy,
      String(rs.length),
      total((r) => r.groups),
      total((r) => r.completed),
      total((r) => r.running),
      total((r) => r.pending),
      total((r) => r.split),
      total((r) => r.deadlocked),
      total((r) => r.abandoned),
      total((r) => r.unschedulable),
      pct(correct),
      sec(avg(rs, (r) => r.latency_p50)),
      sec(avg(rs, (r) => r.latency_p99)),
      pct(avg(rs, (r) => r.util_memory)),
      avg(rs, (r) => r.held_memory_s).toExponential(2),
      avg(rs, (r) => r.wasted_memory_s).toExponential(2),
    ];
  });
  return renderTable(header, body);
}

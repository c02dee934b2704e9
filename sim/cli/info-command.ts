import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SCENARIO_DIR } from "../paths.ts";
import { allStrategies } from "../strategies/registry.ts";
import { loadSweep } from "../sweep/spec.ts";
import { estimateRun, formatBytes, memoryBudget } from "../workload/estimate.ts";
import { parseJsonText, readText } from "../workload/files.ts";
import { loadScenario, resolveScenarioPath } from "../workload/scenario.ts";
import { parseBytes } from "./args.ts";

function shipped(dir: string): { name: string; description: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), "utf8")) as { description?: string };
      return { name: f.replace(/\.json$/, ""), description: raw.description ?? "" };
    });
}

/** `cosched list`: shipped scenarios, sweeps and strategies. */
export function listCommand(): void {
  const out: string[] = ["scenarios (cosched run NAME):"];
  for (const s of shipped(SCENARIO_DIR)) out.push(`  ${s.name.padEnd(28)} ${s.description}`);
  out.push("sweeps (cosched sweep NAME --out DIR):");
  for (const s of shipped(join(SCENARIO_DIR, "sweeps"))) out.push(`  ${s.name.padEnd(28)} ${s.description}`);
  out.push("strategies (--strategy ID):");
  for (const d of allStrategies()) out.push(`  ${d.id.padEnd(28)} ${d.summary}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

/** A sweep file names a scenario (or parts) and has no cluster; a scenario has a cluster. */
function isSweepFile(file: string): boolean {
  const raw = parseJsonText(file, readText(file, "file"), "a JSON scenario or sweep object");
  return raw !== null && typeof raw === "object" && !("cluster" in raw) && ("parts" in raw || "scenario" in raw || "grid" in raw);
}

/** `cosched validate`: each file, a scenario or a sweep, is checked whole; the first bad one stops with its error. */
export function validateCommand(files: readonly string[], maxMemory: string | undefined): void {
  const budget = memoryBudget(maxMemory !== undefined ? parseBytes(maxMemory, "--max-memory") : undefined);
  for (const ref of files) {
    let file: string;
    try {
      file = resolveScenarioPath(ref);
    } catch (err) {
      file = join(SCENARIO_DIR, "sweeps", ref.endsWith(".json") ? ref : `${ref}.json`);
      try {
        readText(file);
      } catch {
        throw err;
      }
    }
    if (isSweepFile(file)) {
      const sweep = loadSweep(file, budget);
      const peak = Math.max(...sweep.settings.map((s) => s.estimate.bytes));
      process.stdout.write(`ok ${file}: sweep ${sweep.name}, ${sweep.tasks.length} runs (${sweep.settings.length} settings; strategies ${sweep.strategies.join(", ")}; ${sweep.seeds.length} seeds), about ${formatBytes(peak)} per run at most\n`);
      continue;
    }
    const s = loadScenario(file);
    const e = estimateRun(s.spec, dirname(s.file));
    process.stdout.write(`ok ${s.file}: cluster ${s.spec.cluster.type}, workload ${s.spec.workload.type}, horizon ${s.spec.horizon} s, about ${formatBytes(e.bytes)} per run\n`);
  }
}

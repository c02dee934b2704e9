import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { memoryBudget, assertWithinBudget, estimateRun, SAFETY } from "../sim/workload/estimate.ts";
import { validateScenario, loadScenario } from "../sim/workload/scenario.ts";
import { InputError } from "../sim/workload/errors.ts";
import { POINTS, scenarioOf } from "../bench/memory.ts";

/**
 * The memory estimate against measured peak RSS of whole `cosched run`
 * commands (results/bench/memory.csv, written by bench/memory.ts): each
 * within ±30 %. Rerun the benchmark after a change that moves memory, then
 * refit the constants in sim/workload/estimate.ts.
 */
const rows = parse(readFileSync(resolve(import.meta.dirname, "../results/bench/memory.csv"), "utf8"), { columns: true }) as Record<string, string>[];

describe("the memory estimate", () => {
  it("covers every point of the benchmark", () => {
    expect(rows.map((r) => `${r.label} ${r.strategy}`)).toEqual(POINTS.map((p) => `${p.label} ${p.strategy}`));
  });

  it.each(POINTS.map((p, i) => [`${p.label}, ${p.strategy}`, p, rows[i]!] as const))("is within ±30 %% of the measured peak RSS: %s", (_, point, row) => {
    const spec = validateScenario("<memory point>", scenarioOf(point)).spec;
    const estimate = estimateRun(spec, ".", point.strategy).bytes / 1e6;
    const measured = Number(row.measured_mb);
    expect(estimate / measured).toBeGreaterThan(0.7);
    expect(estimate / measured).toBeLessThan(1.3);
  });
});

describe("the memory budget", () => {
  const contention = loadScenario("contention-1k", ["workload.groups=300000", "workload.rate=1500", "cluster.count=10000"]);

  it("refuses a run whose estimate, with its margin, is over the per-run limit, naming the path that drives it", () => {
    const budget = { total: 100e9, perRun: 0.8e9, source: "test" };
    expect(() => assertWithinBudget("x.json", contention.spec, ".", budget, ["omega"])).toThrow(InputError);
    expect(() => assertWithinBudget("x.json", contention.spec, ".", budget, ["omega"])).toThrow(/^x\.json: \$\.workload\.groups: one run would need about 9\d\d MB .* plus 25 % for its error\), over the 800 MB a run may use \(--max-memory\); make it smaller, or raise --max-memory$/);
  });

  it("counts runs at once against the total, and says how many workers would fit", () => {
    const estimate = estimateRun(contention.spec, ".", "omega").bytes * SAFETY;
    const budget = { total: estimate * 2.5, perRun: 100e9, source: "--max-memory" };
    expect(() => assertWithinBudget("sweep.json: grid point workload.rate=1500", contention.spec, ".", budget, ["omega"], 2)).not.toThrow();
    expect(() => assertWithinBudget("sweep.json: grid point workload.rate=1500", contention.spec, ".", budget, ["omega"], 4)).toThrow(
      /^sweep\.json: grid point workload\.rate=1500: \$\.workload\.groups: 4 runs at once would need about .* over the memory budget of .* \(--max-memory\); run it with --workers 2, make it smaller/,
    );
  });

  it("defaults to 80 % of the machine's memory in all, and the heap limit per run", () => {
    const b = memoryBudget();
    expect(b.total).toBeGreaterThan(0);
    expect(b.perRun).toBeGreaterThan(0);
    expect(memoryBudget(2e9).total).toBe(2e9);
    expect(memoryBudget(2e9).perRun).toBeLessThanOrEqual(2e9);
  });
});

import { describe, expect, it } from "vitest";
import { validateScenario } from "../sim/workload/scenario.ts";
import { group, member, node, run } from "./support/fixtures.ts";

/**
 * placeOnce: the OpenB paper's fill experiment. Two nodes of 4,000 MiB; six
 * groups of 1,500 MiB (100 m cpu), one every 5 s, never leaving. Two fit on a
 * node (3,000 MiB), a third does not (4,500 MiB): g0..g3 run, g4 (submitted
 * at 20) is not running at 25, the first failure; g5 is never submitted.
 * Allocation then: memory 4 x 1,500 / 8,000 = 0.75; cpu 4 x 100 / 128,000.
 */
const scenario = () =>
  validateScenario("<test>", {
    name: "fill",
    horizon: 100,
    decision: { tJob: 0.1, tTask: 0.05 },
    placeOnce: { gap: 5 },
    cluster: { type: "inline", nodes: [node("n0", 4000), node("n1", 4000)] },
    workload: { type: "inline", groups: Array.from({ length: 6 }, (_, i) => group(`g${i}`, 1000 + i, 1, [member(1500)])) },
  });

describe("placeOnce", () => {
  it.each(["kube", "naive", "mesos", "omega"])("%s fills the cluster with four groups and reports the allocation at the first failure", (strategy) => {
    const ran = run(scenario(), strategy, 1, { check: true });
    expect(ran.tables.run).toMatchObject({ fill_groups: 4, fill_memory: 0.75 });
    expect(ran.tables.run.fill_cpu).toBeCloseTo(400 / 128000, 12);
    // Submit times are replaced by one every gap, durations by "never ends".
    expect(ran.tables.groups.map((g) => g.submit)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(ran.tables.groups.slice(0, 4).every((g) => g.outcome === "running")).toBe(true);
    expect(ran.row("g5").pod_created).toBeNaN();
  });

  it("leaves fill_* empty (NaN) in a normal run", () => {
    const s = validateScenario("<test>", { name: "n", horizon: 10, cluster: { type: "inline", nodes: [node("n0", 4000)] }, workload: { type: "inline", groups: [group("g", 0, 1, [member(100)])] } });
    expect(run(s, "kube").tables.run.fill_groups).toBeNaN();
  });
});

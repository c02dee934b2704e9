import { describe, expect, it } from "vitest";
import { validateScenario } from "../sim/workload/scenario.ts";
import { group, member, node, run, shipped } from "./support/fixtures.ts";

function failing(restart: "never" | "controller", horizon = 300) {
  return validateScenario("<faults>", {
    name: "faults",
    horizon,
    sampleEvery: 1,
    decision: { tJob: 0.1, tTask: 0.05 },
    controllerDelay: 10,
    cluster: { type: "inline", nodes: [node("only", 4000)] },
    workload: { type: "inline", groups: [group("g", 0, 100, [member(1000)], { restart })] },
    faults: {
      events: [
        { type: "nodeFail", node: "only", at: 10 },
        { type: "nodeRecover", node: "only", at: 15 },
      ],
    },
    strategies: { omega: { placement: "first-fit" }, mesos: { offerOrder: "node" } },
  });
}

describe("node failures", () => {
  it.each(["kube", "mesos", "omega", "naive"])("%s: a group on a failed node ends lost without a controller, its work wasted", (strategy) => {
    const ran = run(failing("never"), strategy, 1, { check: true });
    const r = ran.row("g");
    expect(r).toMatchObject({ outcome: "lost", correct: false, phase: "Failed" });
    expect(r.finished).toBeNaN();
    // It ran from its placement until the failure at t = 10.
    expect(r.wasted_memory_s).toBeCloseTo(1000 * (10 - r.placed), 6);
    expect(ran.tables.run.lost).toBe(1);
  });

  // The node fails at 10 (and is back, empty, at 15). The strategy learns of the loss only after its
  // failure detection: kube and naive 40 s (nodeMonitorGracePeriod) + 300 s (tolerationSeconds), mesos
  // 15 s x 5 (agent ping timeouts), omega its knob (default as kube). The controller's replacement is
  // submitted controllerDelay (10 s) after that: kube binds it one cycle (0.15 s) later.
  it.each([
    ["kube", 340],
    ["naive", 340],
    ["mesos", 75],
    ["omega", 340],
  ] as const)("%s: with a controller the replacement comes %i s after the failure plus controllerDelay, and completes", (strategy, detection) => {
    const ran = run(failing("controller", 800), strategy, 1, { check: true });
    const r = ran.row("g");
    expect(r).toMatchObject({ outcome: "completed", correct: true, phase: "Succeeded", nodes: "only" });
    const resubmitted = 10 + detection + 10;
    expect(r.started).toBeGreaterThan(resubmitted);
    expect(r.started).toBeLessThan(resubmitted + 3);
    if (strategy === "kube") expect(r.started).toBeCloseTo(resubmitted + 0.15, 9);
    expect(r.finished).toBeCloseTo(r.started + 100, 9);
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(r.wasted_memory_s).toBeCloseTo(1000 * (10 - r.placed), 6);
  });

  it("names an unknown node in a fault event as bad input", () => {
    const s = validateScenario("<faults>", {
      name: "x",
      horizon: 10,
      cluster: { type: "inline", nodes: [node("a", 100)] },
      workload: { type: "inline", groups: [group("g", 0, 1, [member(10)])] },
      faults: { events: [{ type: "nodeFail", node: "b", at: 1 }] },
    });
    expect(() => run(s, "kube")).toThrow(/<faults>: \$\.faults\.events\[0\]\.node: no node named "b"/);
  });

  it("the random failure process is reproducible and loses and restarts groups", () => {
    const a = run(shipped("node-failures-1k", ["workload.groups=800"]), "kube", 4, { check: true }).tables;
    const b = run(shipped("node-failures-1k", ["workload.groups=800"]), "kube", 4).tables;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.groups.some((g) => g.attempts > 1)).toBe(true);
    expect(a.run.wasted_memory_s).toBeGreaterThan(0);
  });
});

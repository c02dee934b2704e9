import { describe, expect, it } from "vitest";
import { validateScenario, type Scenario } from "../sim/workload/scenario.ts";
import { group, inlineScenario, member, node, run } from "./support/fixtures.ts";

/**
 * Scheduler classes: the Omega paper's batch and service workloads, each with
 * its own decision time and its own schedulers.
 */
function twoClasses(strategies: Record<string, unknown>, batch = [group("b0", 0, 50, [member(1000)]), group("b1", 0, 50, [member(1000)])], service = [group("s0", 0, 50, [member(1000)])]): Scenario {
  return validateScenario("<test>", {
    name: "classes",
    horizon: 100,
    sampleEvery: 1,
    decision: { tJob: 0.1, tTask: 0.05 },
    cluster: { type: "inline", nodes: [node("n0", 8000), node("n1", 8000)] },
    workload: {
      type: "classes",
      classes: [
        { name: "batch", decision: { tJob: 0.1, tTask: 0.05 }, workload: { type: "inline", groups: batch } },
        { name: "service", decision: { tJob: 10, tTask: 0.05 }, workload: { type: "inline", groups: service } },
      ],
    },
    strategies,
  });
}

describe("scheduler classes", () => {
  it("tags each class's groups, prefixes their ids with the class, and orders them by submit time", () => {
    const ran = run(twoClasses({}), "kube");
    expect(ran.tables.groups.map((g) => [g.group_id, g.class])).toEqual([
      ["batch/b0", "batch"],
      ["batch/b1", "batch"],
      ["service/s0", "service"],
    ]);
    expect(ran.tables.classes.map((c) => [c.class, c.groups, c.t_job])).toEqual([
      ["batch", 2, 0.1],
      ["service", 1, 10],
    ]);
  });

  it("gives each class the latency of its own groups, and a class of every group the run's", () => {
    // Service decides in 10 s, batch in 0.1 s: the classes' latencies differ, and the run's pool both.
    const ran = run(twoClasses({ omega: { schedulers: { batch: 1, service: 1 }, placement: "first-fit" } }), "omega");
    const sorted = (cls: string) => ran.tables.groups.filter((g) => g.class === cls).map((g) => g.latency).sort((a, b) => a - b);
    const [batch, service] = ran.tables.classes;
    // Nearest rank: of two values the p50 is the first, the p99 the second.
    expect([batch!.latency_p50, batch!.latency_p99]).toEqual(sorted("batch"));
    expect([service!.latency_p50, service!.latency_p99]).toEqual([...sorted("service"), ...sorted("service")]);
    expect(service!.latency_p50).toBeGreaterThan(ran.tables.run.latency_p50);
    // Without classes, the one class ("default") holds every group.
    const lone = run(inlineScenario({ nodes: [node("n0", 8000)], groups: [group("g0", 0, 50, [member(1000)]), group("g1", 1, 50, [member(1000)]), group("g2", 2, 50, [member(1000)])] }), "kube").tables;
    const [only] = lone.classes;
    expect([only!.groups, only!.latency_p50, only!.latency_p99, only!.latency_mean]).toEqual([3, lone.run.latency_p50, lone.run.latency_p99, lone.run.latency_mean]);
  });

  it("draws each class from its own random streams: adding a class leaves another's groups as they were", () => {
    const gen = (groups: number) => ({ type: "generate", groups, rate: 1, members: { min: 1, max: 3 }, request: { cpu: { dist: "uniform", min: 100, max: 900 }, memory: 256 }, duration: { dist: "exponential", mean: 10 } });
    const scenario = (classes: unknown[]) =>
      validateScenario("<test>", { name: "c", horizon: 50, decision: { tJob: 0.1, tTask: 0.05 }, cluster: { type: "generate", count: 4, capacity: { cpu: 8000, memory: 8192 } }, workload: { type: "classes", classes } });
    const alone = run(scenario([{ name: "batch", workload: gen(20) }]), "omega").tables.groups;
    const withService = run(scenario([{ name: "batch", workload: gen(20) }, { name: "service", workload: gen(5) }]), "omega").tables.groups;
    const batch = (rows: typeof alone) => rows.filter((r) => r.class === "batch").map((r) => [r.group_id, r.submit, r.cpu, r.members]);
    expect(batch(withService)).toEqual(batch(alone));
  });

  it("omega: a service scheduler and two batch schedulers, each class in its own decision time", () => {
    // schedulers {batch: 2, service: 1}: instances 0, 1 serve batch (b0 -> 0, b1 -> 1), 2 serves service.
    // All sync at 0; first-fit puts everything on n0 (8,000 MiB). Batch: 0.1 + 0.05 -> 0.15; service: 10 + 0.05.
    const ran = run(twoClasses({ omega: { schedulers: { batch: 2, service: 1 }, placement: "first-fit" } }), "omega", 1, { check: true });
    expect(ran.row("batch/b0").started).toBeCloseTo(0.15, 12);
    expect(ran.row("batch/b1").started).toBeCloseTo(0.15, 12);
    expect(ran.row("service/s0").started).toBeCloseTo(10.05, 12);
    expect(ran.tables.schedulers.map((s) => [s.scheduler, s.class, s.decisions])).toEqual([
      [0, "batch", 1],
      [1, "batch", 1],
      [2, "service", 1],
    ]);
    const service = ran.tables.classes.find((c) => c.class === "service")!;
    expect(service.schedulers).toBe(1);
    expect(service.busyness).toBeCloseTo(10.05 / 100, 12);
    const batch = ran.tables.classes.find((c) => c.class === "batch")!;
    expect(batch.busyness).toBeCloseTo(0.15 / 100, 12);
    expect(batch.latency_p50).toBeCloseTo(0.15, 12);
  });

  it("omega: refuses a scheduler count for a class the workload does not have", () => {
    expect(() => run(twoClasses({ omega: { schedulers: { batch: 2, servcie: 1 } } }), "omega")).toThrow(/no class "servcie"/);
  });

  it("mesos: one framework per class, each deciding in its class's time", () => {
    // frameworks 1 per class: framework 0 (batch), 1 (service). Round at 0 offers n0 and n1 by DRF
    // (node order: n0 -> f0, n1 -> f1). f0 launches b0 and b1 on n0 at 0.1 + 2 x 0.05 = 0.2;
    // f1 launches s0 on n1 at 10 + 0.05.
    const ran = run(twoClasses({ mesos: { frameworks: 1, offerOrder: "node" } }), "mesos", 1, { check: true });
    expect(ran.row("batch/b0").started).toBeCloseTo(0.2, 12);
    expect(ran.row("batch/b1").started).toBeCloseTo(0.2, 12);
    expect(ran.row("service/s0").started).toBeCloseTo(10.05, 12);
    expect(ran.tables.schedulers.map((s) => s.class)).toEqual(["batch", "service"]);
  });

  it.each([
    // multi-path: each Pod in its class's time. One queue, one cycle at a time (priority, then arrival
    // order: b0, b1, s0): b0 0 -> 0.15, b1 -> 0.30, s0 -> 10.35.
    ["multi-path", [0.15, 0.3, 10.35]],
    // single-path: every Pod in the slowest class's time (tJob 10): 10.05, 20.1, 30.15.
    ["single-path", [10.05, 20.1, 30.15]],
  ] as const)("kube %s: Pods start at %j", (decisionPath, starts) => {
    const ran = run(twoClasses({ kube: { decisionPath } }), "kube", 1, { check: true });
    const got = ["batch/b0", "batch/b1", "service/s0"].map((id) => ran.row(id).started);
    got.forEach((t, i) => expect(t).toBeCloseTo(starts[i]!, 9));
    expect(ran.tables.schedulers).toHaveLength(1);
    expect(ran.tables.schedulers[0]!.class).toBe("all");
    expect(ran.tables.classes.every((c) => c.schedulers === 0 && Number.isNaN(c.busyness))).toBe(true);
  });

  it("a workload without classes has one class, default, with the scenario's decision time", () => {
    const s = validateScenario("<test>", {
      name: "one",
      horizon: 10,
      decision: { tJob: 0.2, tTask: 0.01 },
      cluster: { type: "inline", nodes: [node("n", 4000)] },
      workload: { type: "inline", groups: [group("g", 0, 1, [member(100)])] },
    });
    const ran = run(s, "omega");
    expect(ran.row("g").class).toBe("default");
    expect(ran.tables.classes).toMatchObject([{ class: "default", t_job: 0.2, t_task: 0.01, groups: 1 }]);
  });
});

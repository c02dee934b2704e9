import { describe, expect, it } from "vitest";
import { Simulator } from "../sim/engine/index.ts";
import { group, inlineScenario, member, node, run, type NodeInput } from "./support/fixtures.ts";
import type { Pod } from "../sim/strategies/kube/pod.ts";
import { SchedulingQueue } from "../sim/strategies/kube/queue.ts";

/**
 * kube as kube-scheduler v1.34 behaves, one hand-computed scenario per
 * behaviour; each expected value is derived in a comment from the upstream
 * rules the README's model section names.
 */

const cpuMem = (name: string, cpu: number, memory: number): NodeInput => ({ name, capacity: { cpu, memory } });

describe("the scheduler profile", () => {
  // P asks for 1000 m and 1000 MiB. After placing it:
  //  node-a (2000 m, 8000 MiB): cpu 50 % used, memory 12.5 %.
  //    NodeResourcesFit LeastAllocated: cpu (1000 x 100) / 2000 = 50, memory (7000 x 100) / 8000 = 87 -> (50 + 87) / 2 = 68.
  //    BalancedAllocation: 1 - |0.5 - 0.125| / 2 = 0.8125 -> 81.            Default profile total: 68 + 81 = 149.
  //    MostAllocated: cpu 50, memory 12 -> 31. RequestedToCapacityRatio with shape (0, 0)-(100, 10): cpu 50, memory 12 -> round(31) = 31.
  //  node-b (3000 m, 3000 MiB): cpu and memory 33.3 % used.
  //    LeastAllocated: 66, 66 -> 66. BalancedAllocation: 100. Default total: 166. MostAllocated 33. RequestedToCapacityRatio 33.
  it.each([
    ["the default profile (LeastAllocated + BalancedAllocation)", {}, "node-b"],
    ["LeastAllocated alone (the scoring shorthand)", { scoring: "LeastAllocated" }, "node-a"],
    ["NodeResourcesFit alone in a profile", { profile: { plugins: { NodeResourcesFit: {} } } }, "node-a"],
    ["BalancedAllocation weighted 1, Fit weighted 3", { profile: { plugins: { NodeResourcesFit: { weight: 3 }, NodeResourcesBalancedAllocation: { weight: 1 } } } }, "node-b"],
    ["MostAllocated", { profile: { plugins: { NodeResourcesFit: { scoringStrategy: { type: "MostAllocated" } } } } }, "node-b"],
    // Fit alone with resource weights: node-a cpu 50, memory 87; node-b 66, 66 (the weighted mean, truncated).
    //   memory 3, cpu 1 (total 4): a (50 + 261) / 4 = 77, b 66.   cpu 3, memory 1: a (150 + 87) / 4 = 59, b 66.
    //   memory 2, cpu 1 (total 3): a (50 + 174) / 3 = 74, b 66.
    ["Fit weighing memory 3 to cpu 1", { profile: { plugins: { NodeResourcesFit: { scoringStrategy: { resources: [{ name: "cpu", weight: 1 }, { name: "memory", weight: 3 }] } } } } }, "node-a"],
    ["Fit weighing cpu 3 to memory 1", { profile: { plugins: { NodeResourcesFit: { scoringStrategy: { resources: [{ name: "cpu", weight: 3 }, { name: "memory", weight: 1 }] } } } } }, "node-b"],
    ["Fit weighing memory 2 to cpu 1", { profile: { plugins: { NodeResourcesFit: { scoringStrategy: { resources: [{ name: "cpu", weight: 1 }, { name: "memory", weight: 2 }] } } } } }, "node-a"],
    [
      "RequestedToCapacityRatio (bin packing shape)",
      { profile: { plugins: { NodeResourcesFit: { scoringStrategy: { type: "RequestedToCapacityRatio", requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } } } } },
      "node-b",
    ],
  ])("%s places P on %s", (_, kube, expected) => {
    // With Fit weighted 3: node-a 3 x 68 + 81 = 285, node-b 3 x 66 + 100 = 298.
    const s = inlineScenario({ nodes: [cpuMem("node-a", 2000, 8000), cpuMem("node-b", 3000, 3000)], groups: [group("P", 0, 5, [member(1000, { cpu: 1000 })])], strategies: { kube } });
    expect(run(s, "kube").row("P").nodes).toBe(expected);
  });

  it("weighs Fit's mean of cpu and memory against BalancedAllocation at their exact values", () => {
    // node-a (16000 m, 4000 MiB): Fit (93 + 75) / 2 = 84, Balanced 1 - |0.0625 - 0.25| / 2 = 0.90625 -> 90: 174.
    // node-b (3500 m, 3500 MiB): Fit (71 + 71) / 2 = 71, Balanced 100: 171. Fit's mean off by any factor
    // below 0.9 would let the balance win (at two thirds: 56 + 90 = 146 against 47 + 100 = 147).
    const s = inlineScenario({ nodes: [cpuMem("node-a", 16000, 4000), cpuMem("node-b", 3500, 3500)], groups: [group("P", 0, 5, [member(1000, { cpu: 1000 })])] });
    expect(run(s, "kube").row("P").nodes).toBe("node-a");
  });

  it("scores a container without a cpu request as 100 m (the non-zero default)", () => {
    // P asks for 0 m and 1000 MiB; Fit scores it as 100 m.
    //  node-a (200 m, 10000 MiB): cpu (100 x 100) / 200 = 50, memory 90 -> 70.  node-b (10000 m): cpu 99, memory 90 -> 94.
    // BalancedAllocation uses the real request (0 m): 95 on both. Without the default both would tie at 95 + 95.
    const s = inlineScenario({ nodes: [cpuMem("node-a", 200, 10000), cpuMem("node-b", 10000, 10000)], groups: [group("P", 0, 5, [member(1000, { cpu: 0 })])] });
    for (const seed of [1, 2, 3, 4, 5]) expect(run(s, "kube", seed).row("P").nodes).toBe("node-b");
  });

  it("holds at most `pods` Pods on a node", () => {
    // node-a can hold one Pod; with room for two by resources, the second goes to node-b.
    const nodes: NodeInput[] = [{ name: "node-a", capacity: { cpu: 8000, memory: 8000, pods: 1 } }, cpuMem("node-b", 4000, 4000)];
    const s = inlineScenario({ nodes, groups: [group("first", 0, 50, [member(100, { cpu: 100 })]), group("second", 0, 50, [member(100, { cpu: 100 })])] });
    const ran = run(s, "kube", 1, { check: true });
    expect(new Set([ran.row("first").nodes, ran.row("second").nodes])).toEqual(new Set(["node-a", "node-b"]));
  });
});

describe("the scheduling queue", () => {
  function pod(order: number, timestamp: number): Pod {
    const g = { index: order, id: `p${order}`, submit: 0, kind: "colocate" as const, duration: 1, priority: 0, members: [] };
    const r = { cpu: 1, memory: 1, gpu: 0 };
    return { group: g, index: 0, firstMember: 0, members: 1, request: r, nonZero: r, mask: undefined, order, createdAt: timestamp, timestamp, attempts: 0, state: "active", token: 0, node: -1, boundAt: NaN, nominated: -1, terminating: false, prevOnNode: undefined, nextOnNode: undefined };
  }

  it("puts a Pod that failed behind a Pod created before its failure: the queue timestamp is refreshed", () => {
    // P1 is created at 0 and popped; P2 is created at 0.1; P1 fails at 0.2 (timestamp now 0.2) with no event
    // in flight, so it waits among the unschedulable Pods. An assigned Pod is deleted at 0.25: P1 moves to
    // backoffQ (backoff 1 s from 0.2, to 1.2; popFromBackoffQ off) and is flushed to activeQ on the tick at 2.
    // activeQ then holds P2 (timestamp 0.1) and P1 (0.2): P2 goes first though P1 was created first.
    const sim = new Simulator();
    const q = new SchedulingQueue(sim, { podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, podMaxInUnschedulablePodsDuration: 300, queueingHints: true, popFromBackoffQ: false }, () => {});
    const p1 = pod(1, 0);
    const p2 = pod(2, 0.1);
    q.add(p1);
    expect(q.pop()).toBe(p1);
    sim.run(0.1);
    q.add(p2);
    sim.run(0.2);
    q.failed(p1);
    expect(q.sizes).toEqual({ active: 1, backoff: 0, unschedulable: 1 });
    sim.run(0.25);
    q.assignedPodDeleted();
    expect(q.sizes).toEqual({ active: 1, backoff: 1, unschedulable: 0 });
    sim.run(1.9);
    expect(q.sizes.backoff).toBe(1);
    sim.run(2);
    expect(q.sizes).toEqual({ active: 2, backoff: 0, unschedulable: 0 });
    expect(q.pop()).toBe(p2);
    expect(q.pop()).toBe(p1);
  });

  it("orders activeQ by priority before the timestamp", () => {
    const sim = new Simulator();
    const q = new SchedulingQueue(sim, { podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, podMaxInUnschedulablePodsDuration: 300, queueingHints: true, popFromBackoffQ: true }, () => {});
    const low = pod(1, 0);
    const high = { ...pod(2, 5), group: { ...pod(2, 5).group, priority: 10 } };
    q.add(low);
    q.add(high);
    expect(q.pop()).toBe(high);
  });
});

describe("the snapshot taken when a cycle starts", () => {
  it("does not let a release during a cycle help that cycle: the Pod fails and is retried", () => {
    // Cycles take 1 s. hog binds at 1 (cycle 0-1) and finishes at 1.5. P's cycle runs 1-2 on the snapshot
    // of t = 1, where the node is full: it fails at 2. The release at 1.5 came while it was in flight, so it
    // goes to backoffQ (backoff to 3, still backing off), and activeQ being empty it is popped at once:
    // its second cycle (2-3) binds it. Started at 3, two attempts (deciding at the end of the cycle, it
    // would have started at 2 after one).
    const s = inlineScenario({ nodes: [node("n", 1000)], groups: [group("hog", 0, 0.5, [member(1000)]), group("P", 0, 10, [member(1000)])], tJob: 1, tTask: 0 });
    const r = run(s, "kube", 1, { check: true }).row("P");
    expect(r.started).toBe(3);
    expect(r.attempts).toBe(2);
  });
});

describe("DefaultPreemption", () => {
  // low (priority 0, 800 MiB) binds at 0.15. high (priority 10, 800 MiB) is created at 5; its cycle (5-5.15)
  // finds no node: PostFilter picks node n, victim low, and nominates high there. low terminates for the
  // grace period (30 s): its resources are free at 35.15, when it is deleted (an assigned-Pod deletion).
  // high, unschedulable since 5.15, is moved to activeQ (its 1 s backoff long over) and binds on its
  // nominated node at 35.30.
  const scenario = (restart: "never" | "controller") =>
    inlineScenario({
      nodes: [node("n", 1000)],
      groups: [group("low", 0, 100, [member(800)], { restart }), group("high", 5, 50, [member(800)], { priority: 10 })],
      horizon: 200,
    });

  it("evicts a lower-priority Pod after its grace period, and the preemptor binds on its nominated node", () => {
    const ran = run(scenario("never"), "kube", 1, { check: true });
    const high = ran.row("high");
    const low = ran.row("low");
    expect(high).toMatchObject({ nodes: "n", outcome: "completed", attempts: 2 });
    expect(high.started).toBeCloseTo(35.3, 9);
    expect(low).toMatchObject({ outcome: "preempted", correct: false, phase: "Failed", preempted: 1, preemptor: "high" });
    expect(low.wasted_memory_s).toBeCloseTo(800 * (35.15 - 0.15), 6);
    expect(ran.tables.run.preemptions).toBe(1);
    expect(ran.tables.run.preempted).toBe(1);
  });

  it("lets a controller replace the victim after controllerDelay", () => {
    // Replaced at 35.15 + 10: it waits until high finishes at 85.30, then binds (one more cycle).
    const ran = run(scenario("controller"), "kube", 1, { check: true });
    const low = ran.row("low");
    expect(low).toMatchObject({ outcome: "completed", preempted: 1, preemptor: "high" });
    expect(low.started).toBeGreaterThan(85.3);
    expect(low.started).toBeLessThan(86);
  });

  it("never preempts when preemption is off", () => {
    const s = inlineScenario({ nodes: [node("n", 1000)], groups: [group("low", 0, 100, [member(800)]), group("high", 5, 50, [member(800)], { priority: 10 })], horizon: 200, strategies: { kube: { preemption: false } } });
    const ran = run(s, "kube");
    expect(ran.row("low").outcome).toBe("completed");
    expect(ran.row("high").started).toBeCloseTo(100.15 + 0.15, 9);
  });
});

describe("GPU devices (every strategy)", () => {
  const gpuNode = (name: string, gpus: number): NodeInput => ({ name, capacity: { cpu: 64000, memory: 65536, gpu: gpus * 1000 } });
  const gpuMember = (gpu: number, delay = 0) => ({ request: { cpu: 100, memory: 100, gpu }, delay });

  // One node with two GPUs. a (0.5 GPU) takes device 0; b (0.7 GPU) does not fit on device 0's remaining 0.5,
  // so it takes device 1 (0.3 left). c asks for 0.6: 0.8 GPU are free in all, but no device has 0.6, so it
  // waits until a finishes (at 10.15 under kube: a binds at 0.15, b at 0.30, c's cycle fails at 0.45),
  // then binds at 10.30 on device 0.
  const scenario = inlineScenario({
    nodes: [gpuNode("n", 2)],
    groups: [group("a", 0, 10, [gpuMember(500)]), group("b", 0, 100, [gpuMember(700)]), group("c", 0, 5, [gpuMember(600)])],
    horizon: 60,
  });

  it("kube refuses a 0.6 GPU Pod on two GPUs with 0.5 and 0.3 free, and binds it when a device frees", () => {
    const ran = run(scenario, "kube", 1, { check: true });
    expect(ran.row("b").started).toBeCloseTo(0.3, 9);
    expect(ran.row("c").started).toBeCloseTo(10.3, 9);
    expect(ran.row("c").attempts).toBe(2);
  });

  it.each(["naive", "omega"])("%s also waits for a device with 0.6 free", (strategy) => {
    const ran = run(scenario, strategy, 1, { check: true });
    expect(ran.row("c").started).toBeGreaterThan(10);
  });

  it("mesos asks for whole GPUs (a fraction rounds up), so only two of the three run at once on two GPUs", () => {
    const ran = run(scenario, "mesos", 1, { check: true });
    const rows = ["a", "b", "c"].map((id) => ran.row(id)).sort((x, y) => x.started - y.started);
    expect(rows[1]!.started).toBeLessThan(1);
    // The third starts only once one of the first two has finished and given its GPU back.
    expect(rows[2]!.started).toBeGreaterThanOrEqual(Math.min(rows[0]!.finished, rows[1]!.finished));
  });

  it("takes whole free devices for a request above one GPU", () => {
    // small (0.2 GPU) sits on device 0; big (2 GPUs) needs two whole free devices: it waits for small.
    const s = inlineScenario({ nodes: [gpuNode("n", 2)], groups: [group("small", 0, 10, [gpuMember(200)]), group("big", 0, 5, [gpuMember(2000)])], horizon: 60 });
    const ran = run(s, "kube", 1, { check: true });
    expect(ran.row("big").started).toBeCloseTo(10.3, 9);
  });

  it("refuses a node GPU capacity that is not whole devices", async () => {
    const { validateScenario } = await import("../sim/workload/scenario.ts");
    expect(() => validateScenario("<gpu>", { name: "x", horizon: 10, cluster: { type: "inline", nodes: [{ name: "n", capacity: { cpu: 1, memory: 1, gpu: 1500 } }] }, workload: { type: "inline", groups: [group("g", 0, 1, [member(1)])] } })).toThrow(
      /\$\.cluster\.nodes\[0\]\.capacity\.gpu: GPUs are devices of 1000 milli-GPU: expected a multiple of 1000/,
    );
  });
});

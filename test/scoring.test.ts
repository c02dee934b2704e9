import { describe, expect, it, vi } from "vitest";
import { scanPod as pod } from "./support/fixtures.ts";
import { RngStreams, Simulator } from "../sim/engine/index.ts";
import { EventLog } from "../sim/metrics/log.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { Lifecycle } from "../sim/model/lifecycle.ts";
import { resources, ZERO } from "../sim/model/resources.ts";
import { podSchedulerParams } from "../sim/strategies/kube/params.ts";
import { PodScheduler } from "../sim/strategies/kube/scheduler.ts";
import { leastRequestedScore, mostRequestedScore, numFeasibleNodesToFind, scoreNode } from "../sim/strategies/scoring.ts";

function bigCluster(n: number): Cluster {
  return new Cluster(Array.from({ length: n }, (_, i) => ({ name: `n${i}`, capacity: resources(64000, 262144), labels: {} })));
}

function scheduler(cluster: Cluster, params: Record<string, unknown> = {}): PodScheduler {
  const sim = new Simulator();
  const log = new EventLog();
  const ctx = {
    sim,
    cluster,
    groups: [],
    lifecycle: new Lifecycle(sim, cluster, [], log),
    log,
    rng: new RngStreams(1),
    decision: { tJob: 0.1, tTask: 0 },
    classes: [{ name: "default", decision: { tJob: 0.1, tTask: 0 } }],
    podOverhead: ZERO,
    evicted: () => {},
  };
  return new PodScheduler(ctx, podSchedulerParams.parse(params), () => {});
}

describe("percentageOfNodesToScore", () => {
  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [1000, 420],
    [5000, 500],
    [10000, 500],
    [50000, 2500],
  ])("looks for %i feasible nodes' worth: %i", (n, expected) => {
    expect(numFeasibleNodesToFind(n)).toBe(expected);
  });

  it.each([
    [50, 50],
    [1000, 420],
    [5000, 500],
    [10000, 500],
  ])("examines %i nodes -> %i when all are feasible", (n, expected) => {
    const s = scheduler(bigCluster(n));
    s.selectNode(pod(resources(100, 100)));
    expect(s.lastExamined).toBe(expected);
  });

  it("honours a fixed percentage, with the 100-node floor", () => {
    expect(numFeasibleNodesToFind(1000, 30)).toBe(300);
    expect(numFeasibleNodesToFind(1000, 5)).toBe(100);
    expect(numFeasibleNodesToFind(1000, 100)).toBe(1000);
  });

  it("keeps scanning past infeasible nodes until it has found enough", () => {
    const cluster = bigCluster(1000);
    for (let i = 0; i < 500; i++) cluster.allocate(i, resources(64000, 0));
    const s = scheduler(cluster);
    s.selectNode(pod(resources(100, 100)));
    expect(s.lastExamined).toBe(920);
  });

  it("rotates the start index by the number of nodes examined", () => {
    const cluster = bigCluster(1000);
    const s = scheduler(cluster, { scoring: "MostAllocated" });
    cluster.allocate(421, resources(32000, 131072));
    cluster.allocate(5, resources(32000, 131072));
    // First pass examines nodes 0..419 and prefers the busier node 5;
    // the second pass starts at 420 and finds 421.
    expect(s.selectNode(pod(resources(100, 100)))).toBe(5);
    expect(s.selectNode(pod(resources(100, 100)))).toBe(421);
  });
});

describe("node scores (kube-scheduler integer arithmetic)", () => {
  it.each([
    [0, 100, 100],
    [50, 100, 50],
    [1024, 1280, 20],
    [1, 3, 66],
    [101, 100, 0],
    [10, 0, 0],
  ])("LeastAllocated score of requested=%i capacity=%i is %i", (req, cap, expected) => {
    expect(leastRequestedScore(req, cap)).toBe(expected);
  });

  it.each([
    [0, 100, 0],
    [1, 3, 33],
    [150, 100, 100],
    [10, 0, 0],
  ])("MostAllocated score of requested=%i capacity=%i is %i", (req, cap, expected) => {
    expect(mostRequestedScore(req, cap)).toBe(expected);
  });

  const weights = { cpu: 1, memory: 1, gpu: 0 };
  const c = new Cluster([
    { name: "a", capacity: resources(8000, 1280), labels: {} },
    { name: "b", capacity: resources(8000, 2048), labels: {} },
  ]);

  it.each([
    ["LeastAllocated", 0, 59],
    ["LeastAllocated", 1, 74],
    ["MostAllocated", 0, 40],
    ["MostAllocated", 1, 25],
    // fractions a: cpu 0.0125, mem 0.8 -> 1 - 0.39375; b: 0.0125, 0.5 -> 1 - 0.24375
    ["BalancedAllocation", 0, 60],
    ["BalancedAllocation", 1, 75],
  ] as const)("%s scores node %i for the seeds' container A at %i", (strategy, node, expected) => {
    expect(scoreNode(strategy, weights, c, node, resources(100, 1024))).toBe(expected);
  });
});

describe("a scan that found no node", () => {
  /** 100 nodes: half with cpu to spare, half with memory to spare, none with both. */
  function lopsided() {
    const cluster = bigCluster(100);
    for (let i = 0; i < 100; i++) cluster.allocate(i, i % 2 === 0 ? resources(60000, 4096) : resources(4096, 258048));
    const s = scheduler(cluster);
    const scans = vi.spyOn(cluster, "tightenFreeBound");
    return { cluster, s, scans };
  }

  it("refuses a Pod asking at least as much without scanning again, while nothing changed", () => {
    const { s, scans } = lopsided();
    expect(s.selectNode(pod(resources(8000, 8192)))).toBe(-1);
    expect(scans).toHaveBeenCalledTimes(1);
    expect(s.selectNode(pod(resources(9000, 8192)))).toBe(-1);
    expect(s.selectNode(pod(resources(8000, 10000)))).toBe(-1);
    expect(scans).toHaveBeenCalledTimes(1);
    expect(s.lastExamined).toBe(100);
  });

  it("scans for a Pod asking less in some resource, and finds its node", () => {
    const { s, scans } = lopsided();
    expect(s.selectNode(pod(resources(8000, 8192)))).toBe(-1);
    expect(s.selectNode(pod(resources(3000, 8192)))).toBeGreaterThanOrEqual(0);
    expect(s.selectNode(pod(resources(9000, 2048)))).toBeGreaterThanOrEqual(0);
    expect(scans).toHaveBeenCalledTimes(1);
  });

  it("does not apply to a Pod with a node selector", () => {
    const { s, scans } = lopsided();
    expect(s.selectNode(pod(resources(8000, 8192)))).toBe(-1);
    expect(s.selectNode({ ...pod(resources(9000, 9000)), mask: new Uint8Array(100).fill(1) })).toBe(-1);
    expect(scans).toHaveBeenCalledTimes(2);
  });
});

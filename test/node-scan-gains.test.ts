import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { scanPod as pod } from "./support/fixtures.ts";
import { RngStreams, type Rng } from "../sim/engine/index.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { GainJournal } from "../sim/model/gain-journal.ts";
import { resources, type Resources } from "../sim/model/resources.ts";
import { NodeScan } from "../sim/strategies/kube/node-scan.ts";
import { compileProfile, DEFAULT_PROFILE } from "../sim/strategies/kube/profile.ts";
import { numFeasibleNodesToFind } from "../sim/strategies/scoring.ts";

/** A NodeScan over `n` nodes of 64 cores and 256 GiB holding `maxPods` Pods each, with the Pod counts it reads. */
function fixture(n: number, maxPods = 110) {
  const cluster = new Cluster(Array.from({ length: n }, (_, i) => ({ name: `n${i}`, capacity: resources(64000, 262144), pods: maxPods, labels: {} })));
  const podCount = new Uint32Array(n);
  const nonZeroExtraCpu = new Float64Array(n);
  const nonZeroExtraMemory = new Float64Array(n);
  const nodes = { cluster, podCount, nonZeroExtraCpu, nonZeroExtraMemory, extraNodes: () => 0, nominatedOn: new Map<number, unknown>(), nominatedUse: () => 0 };
  const tieBreak: Rng = new RngStreams(7).stream("kube/tie-break");
  const scan = new NodeScan(nodes, compileProfile(DEFAULT_PROFILE, nodes), numFeasibleNodesToFind(n), tieBreak);
  return { cluster, podCount, scan, tieBreak };
}

/** 200 nodes: odd ones with cpu to spare, even ones with memory to spare, none with both. */
function lopsided() {
  const f = fixture(200);
  for (let i = 0; i < 200; i++) f.cluster.allocate(i, i % 2 === 0 ? resources(60000, 4096) : resources(4096, 258048));
  const wholeScans = vi.spyOn(f.cluster, "tightenFreeBound");
  return { ...f, wholeScans };
}

describe("after a scan of every node found none, a Pod asking at least as much", () => {
  it("is placed on the one node that gained room since, without a scan of every node", () => {
    const { cluster, scan, wholeScans } = lopsided();
    expect(scan.select(pod(resources(8000, 8192)))).toBe(-1);
    expect(wholeScans).toHaveBeenCalledTimes(1);
    cluster.release(42, resources(6000, 0));
    cluster.release(43, resources(0, 1024)); // still short of cpu
    expect(scan.select(pod(resources(9000, 9000)))).toBe(42);
    expect(scan.lastExamined).toBe(200);
    expect(wholeScans).toHaveBeenCalledTimes(1);
  });

  it("is refused when the node that gained has lost the room again, still without a scan of every node", () => {
    const { cluster, scan, wholeScans } = lopsided();
    expect(scan.select(pod(resources(8000, 8192)))).toBe(-1);
    cluster.release(42, resources(6000, 0));
    cluster.allocate(42, resources(6000, 0));
    expect(scan.select(pod(resources(9000, 9000)))).toBe(-1);
    expect(wholeScans).toHaveBeenCalledTimes(1);
  });

  it("is placed on a node a Pod left, where the Pod count was all that was short", () => {
    const { cluster, podCount, scan } = fixture(4, 1);
    const wholeScans = vi.spyOn(cluster, "tightenFreeBound");
    podCount.fill(1);
    expect(scan.select(pod(resources(1000, 1024)))).toBe(-1);
    podCount[2] = 0;
    scan.podLeft(2);
    expect(scan.select(pod(resources(2000, 1024)))).toBe(2);
    expect(wholeScans).toHaveBeenCalledTimes(1);
  });

  it("looks, after a scan of every node found a few nodes, at those and the ones that gained since, choosing as a scan would", () => {
    const twins = [lopsided(), lopsided()];
    const all = new Uint8Array(200).fill(1);
    const ask = (k: number, r: Resources) => (k === 0 ? pod(r) : pod(r, all));
    const chosen = twins.map(({ cluster, scan }, k) => {
      cluster.release(42, resources(6000, 0));
      const first = scan.select(ask(k, resources(9000, 9000))); // a scan of every node: only 42 fits
      cluster.release(44, resources(6000, 0));
      cluster.release(46, resources(6000, 0));
      return [first, scan.select(ask(k, resources(9500, 9000))), scan.select(ask(k, resources(9500, 9000))), scan.lastExamined];
    });
    expect(chosen[0]).toEqual(chosen[1]);
    expect(chosen[0]![0]).toBe(42);
    expect(twins[0]!.wholeScans).not.toHaveBeenCalled();
    expect(twins[0]!.tieBreak.int(1 << 30)).toBe(twins[1]!.tieBreak.int(1 << 30));
  });

  it("is scanned for as before once more nodes gained than the journal keeps", () => {
    const { cluster, scan, wholeScans } = lopsided();
    expect(scan.select(pod(resources(8000, 8192)))).toBe(-1);
    for (let k = 0; k <= GainJournal.KEPT; k++) cluster.release(1, resources(0, 0));
    expect(scan.select(pod(resources(9000, 9000)))).toBe(-1);
    expect(wholeScans).toHaveBeenCalledTimes(2);
  });

  it("is scanned for as before when as many nodes gained as the scan looks for (it may stop early)", () => {
    const { cluster, scan, wholeScans } = lopsided();
    expect(scan.select(pod(resources(8000, 8192)))).toBe(-1);
    // Every cpu-rich (odd) node, and the memory-rich ones below 100, now fit: nodes 0-99 all do.
    for (let i = 1; i < 200; i += 2) cluster.release(i, resources(0, 4096));
    for (let i = 0; i < 100; i += 2) cluster.release(i, resources(4000, 0));
    expect(scan.select(pod(resources(8000, 8192)))).toBeGreaterThanOrEqual(0);
    expect(scan.lastExamined).toBe(100); // the 100th feasible node found: the scan stopped there
    expect(wholeScans).toHaveBeenCalledTimes(1);
  });

  it("is scanned for as before when it asks less of some resource", () => {
    const { scan, wholeScans } = lopsided();
    expect(scan.select(pod(resources(8000, 8192)))).toBe(-1);
    expect(scan.select(pod(resources(3000, 8192)))).toBeGreaterThanOrEqual(0);
    expect(scan.lastExamined).toBeLessThan(200);
    expect(wholeScans).toHaveBeenCalledTimes(1);
  });
});

describe("the scan with recorded failures", () => {
  const CPU = 8000;
  const MEMORY = 32768;
  /** One step of a random history: room freed or taken on a node, a Pod leaving or arriving, or a select (mostly of Pods asking much of both). */
  const node = fc.nat(119);
  const units = fc.integer({ min: 0, max: 3 });
  const step = fc.oneof(
    fc.record({ op: fc.constant("release" as const), node, cpu: units, memory: units }),
    fc.record({ op: fc.constant("allocate" as const), node, cpu: units, memory: units }),
    fc.record({ op: fc.constant("podLeft" as const), node }),
    fc.record({ op: fc.constant("podArrived" as const), node }),
    { arbitrary: fc.record({ op: fc.constant("select" as const), cpu: fc.integer({ min: 0, max: 7 }), memory: fc.integer({ min: 0, max: 7 }) }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant("select" as const), cpu: fc.integer({ min: 3, max: 7 }), memory: fc.integer({ min: 3, max: 7 }) }), weight: 4 },
  );

  it("chooses what a scan of every node chooses, with the same draws, whatever happened between", () => {
    const gainedOnly = vi.spyOn(NodeScan.prototype as unknown as { selectAmong: () => number }, "selectAmong");
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 200, size: "max" }), (steps) => {
        // Twins: b's Pods carry a selector matching every node, which leaves the records out (always a full scan).
        const a = fixture(120, 3);
        const b = fixture(120, 3);
        const all = new Uint8Array(120).fill(1);
        // Even nodes have cpu to spare, odd ones memory: a Pod asking much of both often fits none.
        for (const f of [a, b]) for (let i = 0; i < 120; i++) f.cluster.allocate(i, i % 2 === 0 ? resources(2 * CPU, 6 * MEMORY) : resources(6 * CPU, 2 * MEMORY));
        for (const s of steps) {
          if (s.op === "select") {
            const r = resources(s.cpu * CPU, s.memory * MEMORY);
            expect(a.scan.select(pod(r))).toBe(b.scan.select(pod(r, all)));
            expect(a.scan.lastExamined).toBe(b.scan.lastExamined);
            continue;
          }
          for (const { cluster, podCount, scan } of [a, b]) {
            const at = s.node;
            if (s.op === "release") cluster.release(at, resources(Math.min(s.cpu * CPU, cluster.capCpu[at]! - cluster.freeCpu[at]!), Math.min(s.memory * MEMORY, cluster.capMemory[at]! - cluster.freeMemory[at]!)));
            else if (s.op === "allocate") cluster.allocate(at, resources(Math.min(s.cpu * CPU, cluster.freeCpu[at]!), Math.min(s.memory * MEMORY, cluster.freeMemory[at]!)));
            else if (s.op === "podLeft") {
              if (podCount[at]! > 0) {
                podCount[at]!--;
                scan.podLeft(at);
              }
            } else if (podCount[at]! < 3) podCount[at]!++;
          }
        }
        expect(a.tieBreak.int(1 << 30)).toBe(b.tieBreak.int(1 << 30));
      }),
      { numRuns: 300 },
    );
    // The histories did reach the shortcut, many times.
    expect(gainedOnly.mock.calls.length).toBeGreaterThan(1000);
    gainedOnly.mockRestore();
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cluster } from "../sim/model/cluster.ts";
import { ClusterKernel } from "../sim/model/cluster-kernel.ts";
import { numRuns, propertySeed } from "./support/random-scenario.ts";

/** Cluster.releaseAll and allocateAll, in WebAssembly where their lists lie in the arena, held to releaseValues and allocateValues node by node. */

const NODES = 8;

interface Case {
  readonly caps: [number, number, number][];
  /** What is allocated on each node before (at most its capacity), and which nodes are down. */
  readonly taken: [number, number, number][];
  readonly down: boolean[];
  /** The nodes listed (distinct), and the shares of what was taken (a release) or is free (an allocation) of each that is asked for. */
  readonly order: number[];
  readonly shares: [number, number, number][];
  /** An entry in the list past its node's capacity (a release) or free resources (an allocation): an index into it, or none. */
  readonly over: number | null;
}

const perNode = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: NODES, maxLength: NODES });
const triple = (a: fc.Arbitrary<number>) => perNode(fc.tuple(a, a, a));

/** Cases with at least `minTaken` of each node taken, shares drawn from `share`, and down nodes where `downs` keeps them. */
function casesOf(minTaken: number, share: fc.Arbitrary<number>, downs: (down: boolean, node: number, order: number[], over: number | null) => boolean): fc.Arbitrary<Case> {
  return fc
    .record({
      caps: perNode(fc.tuple(fc.constantFrom(1000, 4000, 0.3), fc.constantFrom(1024, 2048.5), fc.constantFrom(0, 1000))),
      fractions: triple(fc.double({ min: minTaken, max: 1, noNaN: true })),
      down: perNode(fc.boolean()),
      order: fc.shuffledSubarray([...Array(NODES).keys()], { minLength: 0, maxLength: NODES }),
      shares: triple(share),
      over: fc.option(fc.nat(NODES - 1), { freq: 4 }),
    })
    .map(({ caps, fractions, down, order, shares, over }) => ({
      caps,
      taken: caps.map(([c, m, g], i) => [c * fractions[i]![0], m * fractions[i]![1], g * fractions[i]![2]] as [number, number, number]),
      down: down.map((d, node) => downs(d, node, order, over)),
      order,
      shares,
      over: over !== null && over < order.length ? over : null,
    }));
}

// At least half of each node taken: no node is left wholly free, so a release can raise the free bounds.
const caseArb = casesOf(0.5, fc.double({ min: 0, max: 1, noNaN: true }), (d) => d);

/** The case's cluster, with its allocations and failures made, and room for its lists in the arena or out of it. */
function clusterOf(c: Case, inArena: boolean): { cluster: Cluster; nodes: Int32Array; amounts: Float64Array } {
  const cluster = new Cluster(c.caps.map(([cpu, memory, gpu], i) => ({ name: `n${i}`, capacity: { cpu, memory, gpu }, labels: {} })));
  c.taken.forEach(([cpu, memory, gpu], node) => cluster.allocateValues(node, cpu, memory, gpu));
  c.down.forEach((d, node) => d && cluster.down(node));
  const nodes = inArena ? cluster.arena.i32(NODES) : new Int32Array(NODES);
  const amounts = inArena ? cluster.arena.f64(3 * NODES) : new Float64Array(3 * NODES);
  return { cluster, nodes, amounts };
}

/** A cluster with the case's allocations and failures made; `lists`: the release lists, in its arena or not. */
function setUp(c: Case, inArena: boolean): { cluster: Cluster; nodes: Int32Array; amounts: Float64Array } {
  const { cluster, nodes, amounts } = clusterOf(c, inArena);
  // The free bounds as tight as they go, so that releases raise them.
  cluster.tightenFreeBound();
  c.order.forEach((node, i) => {
    const [cpu, memory, gpu] = c.taken[node]!;
    const [a, b, d] = c.shares[node]!;
    nodes[i] = node;
    // Past the capacity: more cpu back than was ever taken (capacity plus one).
    amounts[3 * i] = i === c.over ? c.caps[node]![0] + 1 : cpu * a;
    amounts[3 * i + 1] = memory * b;
    amounts[3 * i + 2] = gpu * d;
  });
  return { cluster, nodes, amounts };
}

/** What a release leaves of the cluster: each node's free resources and sequence number (down nodes as they come back), the change count, the free bounds. */
function state(cluster: Cluster): unknown {
  const seqs = Array.from(cluster.seq);
  for (let node = 0; node < cluster.size; node++) cluster.recover(node);
  return { free: Array.from({ length: cluster.size }, (_, node) => cluster.free(node)), seqs, changes: cluster.changes, bound: Array.from(cluster.freeBound) };
}

function outcome(c: Case, inArena: boolean, release: (cluster: Cluster, nodes: Int32Array, amounts: Float64Array) => void): { error: string | undefined; state: unknown; kernel: boolean; before: number[] } {
  const { cluster, nodes, amounts } = setUp(c, inArena);
  const before = Array.from(cluster.freeBound);
  let error: string | undefined;
  try {
    release(cluster, nodes, amounts);
  } catch (e) {
    error = (e as Error).message;
  }
  const kernel = (cluster as unknown as { bulk: ClusterKernel | null | undefined }).bulk instanceof ClusterKernel;
  return { error, state: state(cluster), kernel, before };
}

describe("Cluster.releaseAll", () => {
  it("releases in WebAssembly what releaseValues releases node by node: free resources, sequence numbers, down nodes, the change count, the free bounds, a release past capacity", () => {
    let kernelRuns = 0;
    let overs = 0;
    let downs = 0;
    let raised = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const all = outcome(c, true, (cluster, nodes, amounts) => cluster.releaseAll(nodes, amounts, c.order.length));
        const each = outcome(c, false, (cluster, nodes, amounts) => {
          for (let i = 0; i < c.order.length; i++) cluster.releaseValues(nodes[i]!, amounts[3 * i]!, amounts[3 * i + 1]!, amounts[3 * i + 2]!);
        });
        expect(all.error).toBe(each.error);
        expect(all.state).toEqual(each.state);
        if (all.kernel) kernelRuns++;
        if (all.error !== undefined) overs++;
        if (c.order.some((node) => c.down[node])) downs++;
        if ((each.state as { bound: number[] }).bound.some((b, d) => b > (each.before as number[])[d]!)) raised++;
      }),
      { numRuns: numRuns(300), seed: propertySeed(20261207) },
    );
    // The kernel ran (its lists lie in the arena), and past-capacity releases and down nodes were among the cases.
    expect(kernelRuns).toBeGreaterThan(250);
    expect(overs).toBeGreaterThan(20);
    expect(downs).toBeGreaterThan(100);
    expect(raised).toBeGreaterThan(50);
  });

  it("releases node by node where its lists are not in the arena, or a listener wants each node", () => {
    const c: Case = { caps: Array(NODES).fill([1000, 1024, 0]), taken: Array(NODES).fill([500, 512, 0]), down: Array(NODES).fill(false), order: [3, 1], shares: Array(NODES).fill([1, 1, 0]), over: null };
    expect(outcome(c, false, (cluster, nodes, amounts) => cluster.releaseAll(nodes, amounts, 2)).kernel).toBe(false);
    const seen: number[] = [];
    const listened = outcome(c, true, (cluster, nodes, amounts) => {
      cluster.onChange = (node) => seen.push(node);
      cluster.releaseAll(nodes, amounts, 2);
    });
    expect(listened.kernel).toBe(false);
    expect(seen).toEqual([3, 1]);
  });
});

// Shares of the free resources, often all of them (as a mesos offer takes). A down node's free resources are -1, so
// an allocation on one is past them: a node is down only where it is the case's `over`.
const allocationArb = casesOf(0, fc.constantFrom(1, 1, 0.5, 0), (d, node, order, over) => d && over !== null && order.indexOf(node) === over);

function allocationOutcome(c: Case, inArena: boolean, allocate: (cluster: Cluster, nodes: Int32Array, amounts: Float64Array) => void): { error: string | undefined; state: unknown; kernel: boolean } {
  const { cluster, nodes, amounts } = clusterOf(c, inArena);
  c.order.forEach((node, i) => {
    const { cpu, memory, gpu } = cluster.free(node);
    const [a, b, d] = c.shares[node]!;
    nodes[i] = node;
    // Past the free resources: more memory than the node has free (its capacity plus one).
    amounts[3 * i] = cpu * a;
    amounts[3 * i + 1] = i === c.over ? c.caps[node]![1] + 1 : memory * b;
    amounts[3 * i + 2] = gpu * d;
  });
  let error: string | undefined;
  try {
    allocate(cluster, nodes, amounts);
  } catch (e) {
    error = (e as Error).message;
  }
  const kernel = (cluster as unknown as { bulk: ClusterKernel | null | undefined }).bulk instanceof ClusterKernel;
  const state = { free: Array.from({ length: cluster.size }, (_, node) => cluster.free(node)), seqs: Array.from(cluster.seq), claimSeqs: Array.from(cluster.claimSeq), changes: cluster.changes };
  return { error, state, kernel };
}

describe("Cluster.allocateAll", () => {
  it("allocates in WebAssembly what allocateValues allocates node by node: free resources, sequence and claim numbers, the change count, an allocation past the free resources", () => {
    let kernelRuns = 0;
    let overs = 0;
    let whole = 0;
    fc.assert(
      fc.property(allocationArb, (c) => {
        const all = allocationOutcome(c, true, (cluster, nodes, amounts) => cluster.allocateAll(nodes, amounts, c.order.length));
        const each = allocationOutcome(c, false, (cluster, nodes, amounts) => {
          for (let i = 0; i < c.order.length; i++) cluster.allocateValues(nodes[i]!, amounts[3 * i]!, amounts[3 * i + 1]!, amounts[3 * i + 2]!);
        });
        expect(all.error).toBe(each.error);
        expect(all.state).toEqual(each.state);
        if (all.kernel) kernelRuns++;
        if (all.error !== undefined) overs++;
        if (c.order.some((node) => c.shares[node]!.every((s) => s === 1))) whole++;
      }),
      { numRuns: numRuns(300), seed: propertySeed(20261208) },
    );
    expect(kernelRuns).toBeGreaterThan(250);
    expect(overs).toBeGreaterThan(20);
    expect(whole).toBeGreaterThan(50);
  });

  it("allocates node by node where its lists are not in the arena, or a listener wants each node", () => {
    const c: Case = { caps: Array(NODES).fill([1000, 1024, 0]), taken: Array(NODES).fill([500, 512, 0]), down: Array(NODES).fill(false), order: [3, 1], shares: Array(NODES).fill([1, 1, 1]), over: null };
    expect(allocationOutcome(c, false, (cluster, nodes, amounts) => cluster.allocateAll(nodes, amounts, 2)).kernel).toBe(false);
    const seen: number[] = [];
    const listened = allocationOutcome(c, true, (cluster, nodes, amounts) => {
      cluster.onChange = (node) => seen.push(node);
      cluster.allocateAll(nodes, amounts, 2);
    });
    expect(listened.kernel).toBe(false);
    expect(seen).toEqual([3, 1]);
  });
});

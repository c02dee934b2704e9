import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cluster } from "../sim/model/cluster.ts";
import { ReleaseKernel } from "../sim/model/release-kernel.ts";
import { numRuns, propertySeed } from "./support/random-scenario.ts";

/** Cluster.releaseAll, in WebAssembly where its lists lie in the arena, held to releaseValues node by node. */

const NODES = 8;

interface Case {
  readonly caps: [number, number, number][];
  /** What is allocated on each node before (at most its capacity), and which nodes are down when released. */
  readonly taken: [number, number, number][];
  readonly down: boolean[];
  /** The nodes released (distinct), and what of each (at most what was taken, unless `over`). */
  readonly order: number[];
  readonly shares: [number, number, number][];
  /** A release in the list that goes past its node's capacity (an index into it), or none. */
  readonly over: number | null;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    caps: fc.array(fc.tuple(fc.constantFrom(1000, 4000, 0.3), fc.constantFrom(1024, 2048.5), fc.constantFrom(0, 1000)), { minLength: NODES, maxLength: NODES }),
    // At least half of each node taken: no node is left wholly free, so a release can raise the free bounds.
    fractions: fc.array(fc.tuple(fc.double({ min: 0.5, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true })), { minLength: NODES, maxLength: NODES }),
    down: fc.array(fc.boolean(), { minLength: NODES, maxLength: NODES }),
    order: fc.shuffledSubarray([...Array(NODES).keys()], { minLength: 0, maxLength: NODES }),
    shares: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: NODES, maxLength: NODES }),
    over: fc.option(fc.nat(NODES - 1), { freq: 4 }),
  })
  .map(({ caps, fractions, down, order, shares, over }) => ({
    caps,
    taken: caps.map(([c, m, g], i) => [c * fractions[i]![0], m * fractions[i]![1], g * fractions[i]![2]] as [number, number, number]),
    down,
    order,
    shares,
    over: over !== null && over < order.length ? over : null,
  }));

/** A cluster with the case's allocations and failures made; `lists`: the release lists, in its arena or not. */
function setUp(c: Case, inArena: boolean): { cluster: Cluster; nodes: Int32Array; amounts: Float64Array } {
  const cluster = new Cluster(c.caps.map(([cpu, memory, gpu], i) => ({ name: `n${i}`, capacity: { cpu, memory, gpu }, labels: {} })));
  c.taken.forEach(([cpu, memory, gpu], node) => cluster.allocateValues(node, cpu, memory, gpu));
  c.down.forEach((d, node) => d && cluster.down(node));
  // The free bounds as tight as they go, so that releases raise them.
  cluster.tightenFreeBound();
  const nodes = inArena ? cluster.arena.i32(NODES) : new Int32Array(NODES);
  const amounts = inArena ? cluster.arena.f64(3 * NODES) : new Float64Array(3 * NODES);
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
  const kernel = (cluster as unknown as { releaser: ReleaseKernel | null | undefined }).releaser instanceof ReleaseKernel;
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

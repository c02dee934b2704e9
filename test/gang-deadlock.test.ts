import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Resources } from "../sim/model/resources.ts";
import { stuckGangs, type GangWaiter } from "../sim/strategies/mesos/gang-deadlock.ts";
import { bruteForceStuckGangs } from "./support/deadlock-oracle.ts";
import { numRuns, propertySeed } from "./support/random-scenario.ts";

/** The cross-node deadlock reduction of gangs against the brute-force oracle, on tiny random cases. */

const res = (cpu: number, memory: number, gpu = 0): Resources => ({ cpu, memory, gpu });

function view(capacity: readonly Resources[]) {
  return {
    size: capacity.length,
    capCpu: Float64Array.from(capacity.map((c) => c.cpu)),
    capMemory: Float64Array.from(capacity.map((c) => c.memory)),
    capGpu: Float64Array.from(capacity.map((c) => c.gpu)),
    up: new Uint8Array(capacity.length).fill(1),
  };
}

const podArb = fc.record({ cpu: fc.integer({ min: 0, max: 4 }).map((k) => k * 1000), memory: fc.integer({ min: 1, max: 4 }).map((k) => k * 1000), gpu: fc.constant(0) });

/** A tiny case: 1-3 nodes, 1-4 gangs of 1-4 Pods (alike or not), each holding room for some of its Pods on random nodes. */
const caseArb = fc
  .record({
    capacity: fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }).map((k) => k * 1000), memory: fc.integer({ min: 1, max: 8 }).map((k) => k * 1000), gpu: fc.constant(0) }), { minLength: 1, maxLength: 3 }),
    gangs: fc.array(
      fc.record({
        alike: fc.boolean(),
        pods: fc.array(podArb, { minLength: 1, maxLength: 4 }),
        quorumShare: fc.integer({ min: 1, max: 4 }),
        holds: fc.array(fc.nat(2), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ capacity, gangs }) => {
    // Room held on each node so far: a hold is taken only where it fits, as offers come from free resources.
    const used = capacity.map(() => res(0, 0));
    const waiters: GangWaiter[] = gangs.map((g, index) => {
      const pods = g.alike ? g.pods.map(() => g.pods[0]!) : g.pods;
      const quorum = Math.min(pods.length, g.quorumShare);
      const held = new Map<number, Resources>();
      // Room held for its first Pods, each on a random node (as a framework holds one Pod's request per hold).
      g.holds.slice(0, Math.max(0, quorum - 1)).forEach((n, p) => {
        const node = n % capacity.length;
        const pod = pods[p]!;
        const u = used[node]!;
        if (u.cpu + pod.cpu > capacity[node]!.cpu || u.memory + pod.memory > capacity[node]!.memory) return;
        used[node] = res(u.cpu + pod.cpu, u.memory + pod.memory);
        const h = held.get(node) ?? res(0, 0);
        held.set(node, res(h.cpu + pod.cpu, h.memory + pod.memory));
      });
      return { index, pods, quorum, held, mask: undefined };
    });
    return { capacity, waiters };
  });

describe("cross-node deadlock of gangs", () => {
  it("never reports a gang the oracle finds could proceed, and agrees with it whenever the packing check decided", () => {
    let stuckCases = 0;
    fc.assert(
      fc.property(caseArb, ({ capacity, waiters }) => {
        const verdict = stuckGangs(view(capacity), waiters);
        const oracle = bruteForceStuckGangs({ capacity }, waiters);
        for (const w of verdict.stuck) expect(oracle.has(w.index), `gang ${w.index} reported stuck`).toBe(true);
        if (verdict.undecided === 0) expect(new Set(verdict.stuck.map((w) => w.index))).toEqual(oracle);
        if (oracle.size > 0) stuckCases++;
      }),
      { numRuns: numRuns(2000), seed: propertySeed(15) },
    );
    expect(stuckCases).toBeGreaterThan(0);
  });

  it.each([
    // [case, capacities, gangs (pods, quorum, holds), stuck]
    ["two gangs each holding one node", [res(0, 4000), res(0, 4000)], [[[res(0, 3000), res(0, 3000)], 2, [[0, res(0, 3000)]]], [[res(0, 3000), res(0, 3000)], 2, [[1, res(0, 3000)]]]], [0, 1]],
    ["the same with room for one more Pod somewhere", [res(0, 4000), res(0, 4000), res(0, 3000)], [[[res(0, 3000), res(0, 3000)], 2, [[0, res(0, 3000)]]], [[res(0, 3000), res(0, 3000)], 2, [[1, res(0, 3000)]]]], []],
    ["a gang larger than the cluster, alone", [res(0, 4000)], [[[res(0, 3000), res(0, 3000)], 2, [[0, res(0, 3000)]]]], [0]],
  ] as [string, Resources[], [Resources[], number, [number, Resources][]][], number[]][])("%s", (_, capacity, gangs, stuck) => {
    const waiters = gangs.map(([pods, quorum, holds], index) => ({ index, pods, quorum, held: new Map(holds), mask: undefined }));
    expect(stuckGangs(view(capacity), waiters).stuck.map((w) => w.index)).toEqual(stuck);
    expect([...bruteForceStuckGangs({ capacity }, waiters)]).toEqual(stuck);
  });
});

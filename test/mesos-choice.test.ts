import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { runOnce } from "../sim/runner.ts";
import { Cluster } from "../sim/model/cluster.ts";
import type { Resources } from "../sim/model/resources.ts";
import { DrfRound } from "../sim/strategies/mesos/choice.ts";
import { NodeFlag } from "../sim/strategies/mesos/node-list.ts";
import { BatchBuffers, RoundBatches } from "../sim/strategies/mesos/scratch.ts";
import { offerSolo } from "../sim/strategies/mesos/solo-round.ts";
import { OfferKernel } from "../sim/strategies/mesos/offer-kernel.ts";
import { holdsBack, minOfferThresholds, mayOffer, reachesMinOffer, RefuseFilters, wantedAt, wantedNodes, type Wanting } from "../sim/strategies/mesos/filters.ts";
import { caseArb, numRuns, propertySeed } from "./support/random-scenario.ts";

/**
 * The allocator's shortcuts against the rules they stand for: DrfRound.choose
 * (one framework wanting any node, the others only their hoard nodes) against
 * the DRF comparison over every framework, and a revived framework's filters
 * (`live` false) against reading every node's filter.
 */

const NODES = 6;
const NOW = 15;
const TOTAL = { cpu: 8000, memory: 16384, gpu: 0 };
const MIN_OFFER = minOfferThresholds({ cpu: 10, memory: 32, gpu: 0 });

/** The hoard marks (OfferSink.hoardMarks) of frameworks with these hoard counts: 1 where any count is above 0. */
const marksOf = (hoards: readonly ArrayLike<number>[]): Uint8Array => Uint8Array.from({ length: NODES }, (_, node) => (hoards.some((h) => h[node]! > 0) ? 1 : 0));

const wantingArb = (f: number) =>
  fc.record({
    anyNode: fc.boolean(),
    hoards: fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: NODES, maxLength: NODES }),
    until: fc.array(fc.constantFrom(0, 10, 20), { minLength: NODES, maxLength: NODES }),
    epochs: fc.array(fc.constantFrom(0, 1), { minLength: NODES, maxLength: NODES }),
    epoch: fc.constantFrom(0, 1),
    live: fc.boolean(),
    refused: fc.array(fc.constantFrom(0, 500, 1000, 2000), { minLength: 3 * NODES, maxLength: 3 * NODES }),
  }).map(
    (w): Wanting => ({
      f,
      anyNode: w.anyNode,
      hoards: Uint32Array.from(w.hoards),
      until: Float64Array.from(w.until),
      epochs: Uint32Array.from(w.epochs),
      epoch: w.epoch,
      live: w.live,
      refused: Float64Array.from(w.refused),
    }),
  );

const roundArb = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    frameworks: fc.constant(n),
    // Which frameworks want offers (the others are left out of `wanting`, as filters.wanting does).
    wants: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    wanting: fc.tuple(...Array.from({ length: n }, (_, f) => wantingArb(f))),
    allocation: fc.array(fc.record({ cpu: fc.constantFrom(0, 1000, 2000), memory: fc.constantFrom(0, 2048, 4096), gpu: fc.constant(0) }), { minLength: n, maxLength: n }),
    counts: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
    free: fc.array(fc.constantFrom(0, 500, 1000, 3000), { minLength: 3 * NODES, maxLength: 3 * NODES }),
    // Offers made in the round before the nodes are chosen (node, framework).
    offers: fc.array(fc.tuple(fc.integer({ min: 0, max: NODES - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: 4 }),
    // Which chosen nodes are then offered, as a round does, before the next node is chosen.
    take: fc.array(fc.boolean(), { minLength: NODES, maxLength: NODES }),
  }),
);

describe("DrfRound.choose", () => {
  it("offers each node to the framework the DRF comparison picks, shortcut or not", () => {
    let shortcuts = 0;
    let compared = 0;
    fc.assert(
      fc.property(roundArb, (r) => {
        const drf = new DrfRound(r.frameworks, TOTAL, marksOf(r.wanting.map((w) => w.hoards)));
        const wanting = r.wanting.filter((_, f) => r.wants[f]);
        r.counts.forEach((c, f) => (drf.allocations[f] = c));
        drf.begin(wanting, (f) => r.allocation[f]!);
        for (const [node, f] of r.offers) drf.offered(f, r.free[3 * node]!, r.free[3 * node + 1]!, r.free[3 * node + 2]!);
        const anyNode = wanting.filter((w) => w.anyNode);
        for (let node = 0; node < NODES; node++) {
          const [cpu, memory, gpu] = [r.free[3 * node]!, r.free[3 * node + 1]!, r.free[3 * node + 2]!];
          const expected = drf.compare(node, NOW, cpu, memory, gpu);
          const chosen = drf.choose(node, NOW, cpu, memory, gpu);
          expect(chosen).toBe(expected);
          if (chosen >= 0 && r.take[node]) drf.offered(chosen, cpu, memory, gpu);
          const solo = anyNode.length === 1 && wanting.every((w) => w.anyNode || w.hoards[node] === 0);
          if (solo) shortcuts++;
          else compared++;
        }
      }),
      { numRuns: numRuns(500), seed: propertySeed(20261205) },
    );
    // Both paths were exercised, the shortcut among them with filters live and not.
    expect(shortcuts).toBeGreaterThan(300);
    expect(compared).toBeGreaterThan(300);
  });

  it("compares shares when another framework hoards on the node: the smaller dominant share wins", () => {
    const none = (n: number) => new Uint32Array(n);
    const mk = (f: number, anyNode: boolean, hoards: Uint32Array): Wanting => ({ f, anyNode, hoards, until: new Float64Array(2), epochs: new Uint32Array(2), epoch: 0, live: false, refused: new Float64Array(6) });
    const drf = new DrfRound(2, TOTAL, Uint8Array.from([0, 1]));
    // Framework 0 wants any node; framework 1 hoards on node 1 and holds less.
    drf.begin([mk(0, true, none(2)), mk(1, false, Uint32Array.from([0, 1]))], (f) => (f === 0 ? { cpu: 4000, memory: 0, gpu: 0 } : { cpu: 1000, memory: 0, gpu: 0 }));
    expect(drf.choose(0, NOW, 1000, 1000, 0)).toBe(0);
    expect(drf.choose(1, NOW, 1000, 1000, 0)).toBe(1);
  });
});

describe("RefuseFilters", () => {
  type Op = { kind: "set"; f: number; nodes: number[]; amount: number } | { kind: "revive"; f: number } | { kind: "wait"; seconds: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), f: fc.integer({ min: 0, max: 1 }), nodes: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 5 }), amount: fc.constantFrom(500, 1000) }),
    fc.record({ kind: fc.constant("revive" as const), f: fc.integer({ min: 0, max: 1 }) }),
    fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 0, max: 7 }) }),
  );

  it("a framework with no filter set since it revived holds back no node, as reading each node's filter finds", () => {
    let idle = 0;
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.constantFrom(500, 1000, 1500), (ops, free) => {
        const filters = new RefuseFilters(2, 5);
        let now = 0;
        for (const op of ops) {
          if (op.kind === "set") filters.set(op.f, Int32Array.from(op.nodes), new Float64Array(3 * op.nodes.length).fill(op.amount), now + 5);
          else if (op.kind === "revive") filters.revive(op.f);
          else now += op.seconds;
          for (let f = 0; f < 2; f++) {
            const filter = filters.of(f);
            if (!filter.live) idle++;
            for (let node = 0; node < 5; node++) {
              expect(holdsBack(filter, node, now, free, free, 0)).toBe(holdsBack({ ...filter, live: true }, node, now, free, free, 0));
            }
          }
        }
      }),
      { numRuns: numRuns(300), seed: propertySeed(20261205) },
    );
    expect(idle).toBeGreaterThan(100);
  });

  it("a decline after the revive makes the filters live again", () => {
    const filters = new RefuseFilters(1, 3);
    filters.set(0, Int32Array.from([1]), Float64Array.from([1000, 1000, 0]), 10);
    expect(holdsBack(filters.of(0), 1, 5, 1000, 1000, 0)).toBe(true);
    filters.revive(0);
    expect(filters.of(0).live).toBe(false);
    expect(holdsBack(filters.of(0), 1, 5, 1000, 1000, 0)).toBe(false);
    filters.set(0, Int32Array.from([2]), Float64Array.from([1000, 1000, 0]), 10);
    expect(filters.of(0).live).toBe(true);
    expect(holdsBack(filters.of(0), 2, 5, 1000, 1000, 0)).toBe(true);
    expect(holdsBack(filters.of(0), 1, 5, 1000, 1000, 0)).toBe(false);
  });
});

describe("the minimum offer as thresholds (minOfferThresholds, reachesMinOffer)", () => {
  // --min_allocatable_resources as Mesos states it: one of the quantities set (above zero) reached; none set, anything free.
  const byDefinition = (free: readonly number[], min: readonly number[]): boolean =>
    min.every((q) => q === 0) ? free.some((v) => v > 0) : min.some((q, d) => q > 0 && free[d]! >= q);
  const mins = [
    [0, 0, 0],
    [10, 32, 0],
    [10, 0, 0],
    [0, 32, 0],
    [0, 0, 1],
    [0.5, 0, 0.25],
  ];
  const values = [-1, 0, Number.MIN_VALUE, 1e-9, 0.25, 0.5, 1, 9.999, 10, 31, 32, 33, 1e9];

  it.each(mins)("reaches min offer (cpu %d, memory %d, gpu %d) exactly where the definition does, on every free triple", (...min) => {
    const [cpu, memory, gpu] = min as [number, number, number];
    const t = minOfferThresholds({ cpu, memory, gpu });
    for (const c of values) {
      for (const m of values) {
        for (const g of values) expect([c, m, g, reachesMinOffer(c, m, g, t.cpu, t.memory, t.gpu)]).toEqual([c, m, g, byDefinition([c, m, g], min)]);
      }
    }
  });
});

describe("the nodes the wanting frameworks want at all (wantedNodes, wantedAt)", () => {
  it("a node it leaves out is one that mayOffer refuses for every framework", () => {
    fc.assert(
      fc.property(roundArb, (r) => {
        const wanting = r.wanting.filter((_, f) => r.wants[f]);
        const { anyNode, first, second, rest } = wantedNodes(wanting, new Uint32Array(NODES));
        for (let node = 0; node < NODES; node++) {
          const wanted = wantedAt(node, anyNode, first, second, rest);
          // Free resources no filter holds back (above every refused amount): mayOffer then says whether the node is wanted at all.
          const offered = wanting.some((w) => mayOffer(w, node, NOW, 1e9, 1e9, 1e9));
          expect(wanted).toBe(wanting.some((w) => w.anyNode || w.hoards[node]! > 0));
          expect(offered).toBe(wanted);
        }
      }),
      { numRuns: numRuns(200), seed: propertySeed(1606) },
    );
  });
});

describe("the allocator's round for the usual case (offerSolo, solo-round.ts)", () => {
  const soloArb = fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc.record({
      frameworks: fc.constant(n),
      solo: fc.integer({ min: 0, max: n - 1 }),
      hoards: fc.array(fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: NODES, maxLength: NODES }), { minLength: n, maxLength: n }),
      allocation: fc.array(fc.record({ cpu: fc.constantFrom(0, 1000, 2000), memory: fc.constantFrom(0, 2048, 4096), gpu: fc.constant(0) }), { minLength: n, maxLength: n }),
      counts: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
      free: fc.array(fc.constantFrom(0, 5, 500, 1000, 3000), { minLength: 3 * NODES, maxLength: 3 * NODES }),
      order: fc.shuffledSubarray(Array.from({ length: NODES }, (_, i) => i), { minLength: 0, maxLength: NODES }),
    }),
  );

  /** A round's state: the cluster, its DRF allocations, batches, and flags, set up from one case. */
  const roundOf = (c: { frameworks: number; solo: number; hoards: number[][]; allocation: Resources[]; counts: number[]; free: number[] }, inArena = false) => {
    const cluster = new Cluster(Array.from({ length: NODES }, (_, i) => ({ name: `n${i}`, capacity: { cpu: 3000, memory: 3000, gpu: 0 }, labels: {} })));
    for (let node = 0; node < NODES; node++) {
      cluster.allocateValues(node, 3000 - c.free[3 * node]!, 3000 - c.free[3 * node + 1]!, 0);
    }
    const filters = new RefuseFilters(c.frameworks, NODES);
    const interests = Array.from({ length: c.frameworks }, (_, f) => ({ anyNode: f === c.solo, hoards: Uint32Array.from(f === c.solo ? new Array<number>(NODES).fill(0) : c.hoards[f]!) }));
    const drf = new DrfRound(c.frameworks, { cpu: 18000, memory: 18000, gpu: 0 }, marksOf(interests.map((i) => i.hoards)));
    drf.allocations.set(c.counts);
    drf.begin(filters.wanting(interests), (f) => c.allocation[f]!);
    // In the arena the offer kernel runs the stretches between marked nodes; out of it, soloStretch does.
    const arena = cluster.arena;
    const batches = new RoundBatches(c.frameworks, new BatchBuffers(NODES, inArena ? arena : undefined));
    batches.begin();
    const flags = inArena ? arena.u8().fill(NodeFlag.Candidate) : new Uint8Array(NODES).fill(NodeFlag.Candidate);
    const marks = inArena ? arena.u8() : new Uint8Array(NODES);
    marks.set(marksOf(interests.map((i) => i.hoards)));
    const { freeCpu, freeMemory, freeGpu } = cluster;
    const kernel = inArena ? OfferKernel.create(arena, { freeCpu, freeMemory, freeGpu, flags, marks }, MIN_OFFER) : undefined;
    if (inArena) expect(kernel).toBeDefined();
    return { cluster, drf, batches, flags, marks, kernel };
  };

  it.each([
    ["in WebAssembly (the offer kernel)", true],
    ["in JavaScript (soloStretch)", false],
  ])("offers, counts and adds to each framework's allocation what choosing node by node does, %s", (_, inArena) => {
    let kernelRounds = 0;
    fc.assert(
      fc.property(soloArb, (c) => {
        const minOffer = MIN_OFFER;
        const fast = roundOf(c, inArena);
        const nodes = inArena ? fast.cluster.arena.i32(c.order.length) : new Int32Array(c.order.length);
        nodes.set(c.order);
        expect(fast.drf.openSolo()).toBe(c.solo);
        const free = (node: number) => fast.cluster.free(node);
        const offerable = nodes.filter((node) => reachesMinOffer(free(node).cpu, free(node).memory, free(node).gpu, minOffer.cpu, minOffer.memory, minOffer.gpu));
        if (fast.kernel !== undefined && fast.kernel.reaches(nodes, fast.batches.of(c.solo))) kernelRounds++;
        fast.batches.dropEmpty(c.solo);
        const sawMarked = offerSolo(fast.cluster, fast.drf, fast.batches, fast.flags, fast.marks, minOffer, NOW, c.solo, nodes, fast.kernel);
        // It says whether any node it offered was marked.
        expect(sawMarked).toBe(offerable.some((node) => fast.marks[node] === 1));
        // The twin: the allocator's loop for any round.
        const slow = roundOf(c);
        for (const node of nodes) {
          slow.flags[node]! &= ~NodeFlag.Candidate;
          const { cpu, memory, gpu } = slow.cluster.free(node);
          if (!reachesMinOffer(cpu, memory, gpu, minOffer.cpu, minOffer.memory, minOffer.gpu)) continue;
          const best = slow.drf.choose(node, NOW, cpu, memory, gpu);
          slow.cluster.allocateValues(node, cpu, memory, gpu);
          slow.drf.offered(best, cpu, memory, gpu);
          slow.batches.add(best, node, cpu, memory, gpu);
        }
        expect(Array.from(fast.drf.allocations)).toEqual(Array.from(slow.drf.allocations));
        expect(Array.from(fast.drf.allocated)).toEqual(Array.from(slow.drf.allocated));
        expect(Array.from(fast.batches.size)).toEqual(Array.from(slow.batches.size));
        for (let f = 0; f < c.frameworks; f++) {
          const size = slow.batches.size[f]!;
          const batchOf = (b: RoundBatches) => [Array.from(b.existing(f)?.nodes.subarray(0, size) ?? []), Array.from(b.existing(f)?.amounts.subarray(0, 3 * size) ?? [])];
          expect(batchOf(fast.batches)).toEqual(batchOf(slow.batches));
        }
        expect(Array.from(fast.flags)).toEqual(Array.from(slow.flags));
        for (const a of ["freeCpu", "freeMemory", "freeGpu", "seq", "claimSeq"] as const) expect(Array.from(fast.cluster[a])).toEqual(Array.from(slow.cluster[a]));
        expect(fast.cluster.changes).toBe(slow.cluster.changes);
        // A framework that got no node has no batch (solo's, taken ahead, was given back).
        for (let f = 0; f < c.frameworks; f++) expect(fast.batches.existing(f) === undefined).toBe(slow.batches.existing(f) === undefined);
      }),
      { numRuns: numRuns(300), seed: propertySeed(1606) },
    );
    expect(kernelRounds).toBe(inArena ? numRuns(300) : 0);
  });

  /** The run's whole event log, column by column. */
  const logOf = (c: { scenario: Parameters<typeof runOnce>[0]; seed: number }) => {
    const log = runOnce(c.scenario, "mesos", c.seed).log;
    return [log.t, log.kind, log.group, log.node, log.id, log.r0, log.r1, log.r2].map((col) => Array.from(col.subarray(0, log.length)));
  };

  it("logs what the round node by node through DrfRound.choose logs, on random scenarios", () => {
    let soloRounds = 0;
    fc.assert(
      fc.property(caseArb("mesos"), (c) => {
        const spy = vi.spyOn(DrfRound.prototype, "openSolo");
        let fast: number[][];
        try {
          fast = logOf(c);
          soloRounds += spy.mock.results.filter((r) => r.type === "return" && (r.value as number) >= 0).length;
          // The twin: no round takes the loop; every node goes through choose, its share updated per offer.
          spy.mockReturnValue(-1);
          expect(logOf(c)).toEqual(fast);
        } finally {
          spy.mockRestore();
        }
      }),
      { numRuns: numRuns(60), seed: propertySeed(1605) },
    );
    expect(soloRounds).toBeGreaterThan(100);
  });
});

import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { runOnce } from "../sim/runner.ts";
import { OfferKernel } from "../sim/strategies/mesos/offer-kernel.ts";
import { FilterKernel } from "../sim/strategies/mesos/filter-kernel.ts";
import { caseArb, numRuns, propertySeed } from "./support/random-scenario.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { minOfferThresholds, RefuseFilters } from "../sim/strategies/mesos/filters.ts";
import { NodeList } from "../sim/strategies/mesos/node-list.ts";
import { settleAll } from "../sim/strategies/mesos/settle.ts";
import { offerEach } from "../sim/strategies/mesos/round.ts";
import { DrfRound } from "../sim/strategies/mesos/choice.ts";
import { BatchBuffers, RoundBatches } from "../sim/strategies/mesos/scratch.ts";

/**
 * The mesos allocator's WebAssembly kernels (offer-kernel.wat: the usual
 * round's loop and the decline's; filter-kernel.wat: setting filters, settling a decline's
 * nodes, bringing parked nodes back, any other round's loop) against the JavaScript they stand for: whole runs log the same
 * events with them as without them.
 */

/** The run's whole event log, column by column. */
const logOf = (c: { scenario: Parameters<typeof runOnce>[0]; seed: number }) => {
  const log = runOnce(c.scenario, "mesos", c.seed).log;
  return [log.t, log.kind, log.group, log.node, log.id, log.r0, log.r1, log.r2].map((col) => Array.from(col.subarray(0, log.length)));
};

describe("the mesos allocator's WebAssembly kernels", () => {
  it("log what the allocator's JavaScript logs, on random scenarios", () => {
    const used = { solo: 0, set: 0, settle: 0, unpark: 0, decline: 0, round: 0 };
    fc.assert(
      fc.property(caseArb("mesos"), (c) => {
        const solo = vi.spyOn(OfferKernel.prototype, "solo");
        const set = vi.spyOn(FilterKernel.prototype, "set");
        const settle = vi.spyOn(FilterKernel.prototype, "settle");
        const unpark = vi.spyOn(FilterKernel.prototype, "unpark");
        const decline = vi.spyOn(OfferKernel.prototype, "decline");
        const round = vi.spyOn(FilterKernel.prototype, "round");
        let fast: number[][];
        try {
          fast = logOf(c);
          used.solo += solo.mock.calls.length;
          used.set += set.mock.results.filter((r) => r.type === "return" && r.value === true).length;
          used.settle += settle.mock.calls.length;
          used.unpark += unpark.mock.results.filter((r) => r.type === "return" && r.value === true).length;
          used.decline += decline.mock.results.filter((r) => r.type === "return" && r.value !== undefined).length;
          used.round += round.mock.calls.length;
        } finally {
          vi.restoreAllMocks();
        }
        // The twin: neither kernel is made, so every pass runs in JavaScript.
        const offers = vi.spyOn(OfferKernel, "create").mockReturnValue(undefined);
        const filters = vi.spyOn(FilterKernel, "create").mockReturnValue(undefined);
        try {
          expect(logOf(c)).toEqual(fast);
          expect(offers).toHaveBeenCalled();
          expect(filters).toHaveBeenCalled();
        } finally {
          vi.restoreAllMocks();
        }
      }),
      { numRuns: numRuns(80), seed: propertySeed(20261207) },
    );
    // Each kernel did the work in many of the runs.
    expect(used.solo).toBeGreaterThan(100);
    expect(used.set).toBeGreaterThan(100);
    expect(used.settle).toBeGreaterThan(100);
    expect(used.unpark).toBeGreaterThan(20);
    expect(used.decline).toBeGreaterThan(100);
    expect(used.round).toBeGreaterThan(50);
  });
});

const NODES = 7;
const NOW = 20;

/** A random allocator state to settle: free resources, failures, filters, wants, flags. */
const settleArb = fc.record({
  free: fc.array(fc.tuple(fc.constantFrom(0, 5, 500, 1000), fc.constantFrom(0, 16, 512, 1024), fc.constantFrom(0, 500, 1000)), { minLength: NODES, maxLength: NODES }),
  down: fc.array(fc.constantFrom(false, false, false, true), { minLength: NODES, maxLength: NODES }),
  frameworks: fc.array(
    fc.record({
      anyNode: fc.boolean(),
      wants: fc.boolean(),
      hoards: fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: NODES, maxLength: NODES }),
      // Declines before now (per node: until when, and what was declined), and whether it revived after them.
      declines: fc.array(fc.record({ node: fc.nat(NODES - 1), until: fc.constantFrom(10, 20, 30), cpu: fc.constantFrom(0, 500, 1000), memory: fc.constantFrom(0, 512, 1024), gpu: fc.constantFrom(0, 500, 1000) }), { maxLength: NODES }),
      revived: fc.boolean(),
      declinesAfter: fc.array(fc.record({ node: fc.nat(NODES - 1), until: fc.constantFrom(10, 30), cpu: fc.constantFrom(500, 1000), memory: fc.constantFrom(512, 1024), gpu: fc.constantFrom(0, 1000) }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  flags: fc.array(fc.constantFrom(0, 0, 0, 2, 4, 6, 1), { minLength: NODES, maxLength: NODES }),
  extraMarks: fc.array(fc.boolean(), { minLength: NODES, maxLength: NODES }),
  order: fc.shuffledSubarray([...Array(NODES).keys()], { minLength: 0, maxLength: NODES }),
  filtersEnded: fc.boolean(),
});

type SettleCase = typeof settleArb extends fc.Arbitrary<infer T> ? T : never;

/** The case's cluster (free resources, failures), filters (declines, revives), interests, hoard marks and flags, all in the cluster's arena. */
function stateOf(c: SettleCase) {
  const cluster = new Cluster(Array.from({ length: NODES }, (_, i) => ({ name: `n${i}`, capacity: { cpu: 1000, memory: 1024, gpu: 1000 }, labels: {} })));
  c.free.forEach(([cpu, memory, gpu], node) => cluster.allocateValues(node, 1000 - cpu, 1024 - memory, 1000 - gpu));
  c.down.forEach((d, node) => d && cluster.down(node));
  const arena = cluster.arena;
  const filters = new RefuseFilters(c.frameworks.length, NODES, arena);
  const declineInto = (f: number, ds: readonly { node: number; until: number; cpu: number; memory: number; gpu: number }[]) => {
    for (const d of ds) filters.set(f, Int32Array.of(d.node), Float64Array.of(d.cpu, d.memory, d.gpu), d.until);
  };
  c.frameworks.forEach((fw, f) => {
    declineInto(f, fw.declines);
    if (fw.revived) filters.revive(f);
    declineInto(f, fw.declinesAfter);
  });
  const interests = c.frameworks.map((fw) => (fw.wants ? { anyNode: fw.anyNode, hoards: Uint32Array.from(fw.hoards) } : null));
  // Marked where any framework hoards (the invariant the kernels rely on), and on some nodes no wanting framework hoards.
  const marks = arena.u8();
  for (let node = 0; node < NODES; node++) marks[node] = c.extraMarks[node] || c.frameworks.some((fw) => fw.hoards[node]! > 0) ? 1 : 0;
  const flags = arena.u8();
  flags.set(c.flags);
  const nodes = arena.i32(NODES);
  nodes.set(c.order);
  return { cluster, arena, filters, wanting: filters.wanting(interests), marks, flags, nodes: nodes.subarray(0, c.order.length), minOffer: minOfferThresholds({ cpu: 10, memory: 32, gpu: 0 }) };
}

/** settleAll on the case's state, with the filter kernel (everything in the arena) or without it. */
function settled(c: SettleCase, withKernel: boolean): { flags: number[]; candidates: number[]; parked: number[] } {
  const { cluster, arena, wanting, marks, flags, nodes, minOffer } = stateOf(c);
  const lists = { flags, candidates: new NodeList(NODES, arena.i32(NODES)), parked: new NodeList(NODES, arena.i32(NODES)), marks, noHoards: new Uint32Array(NODES), minOffer };
  const { freeCpu, freeMemory, freeGpu, up } = cluster;
  const kernel = withKernel ? FilterKernel.create(arena, { freeCpu, freeMemory, freeGpu, flags, marks, up, parked: lists.parked.items }, lists.minOffer, cluster.total, c.frameworks.length) : undefined;
  if (withKernel) expect(kernel).toBeDefined();
  settleAll(cluster, lists, wanting, nodes, c.order.length, c.filtersEnded, NOW, kernel);
  return { flags: Array.from(flags), candidates: Array.from(lists.candidates.items.subarray(0, lists.candidates.length)), parked: Array.from(lists.parked.items.subarray(0, lists.parked.length)) };
}

describe("settleAll", () => {
  it("makes the same candidates and parks the same nodes in the filter kernel as in JavaScript, on random filters, wants and flags", () => {
    let changed = 0;
    fc.assert(
      fc.property(settleArb, (c) => {
        const fast = settled(c, true);
        expect(fast).toEqual(settled(c, false));
        if (fast.candidates.length + fast.parked.length > 0) changed++;
      }),
      { numRuns: numRuns(400), seed: propertySeed(20261207) },
    );
    // Many cases made candidates or parked nodes (the others had no node to settle, or none wanted).
    expect(changed).toBeGreaterThan(120);
  });
});

describe("the decline's loop", () => {
  it("declines in the offer kernel what the loop written out declines: the nodes with something left, in order, their sums, and the hoarded nodes touched", () => {
    let declinedSome = 0;
    let touchedSome = 0;
    fc.assert(
      fc.property(
        fc.record({
          order: fc.shuffledSubarray([...Array(NODES).keys()], { minLength: 0, maxLength: NODES }),
          left: fc.array(fc.tuple(fc.constantFrom(0, -0, 0.1, 500), fc.constantFrom(0, 0.2, 512), fc.constantFrom(0, 0, 1000)), { minLength: NODES, maxLength: NODES }),
          marks: fc.array(fc.constantFrom(0, 0, 1), { minLength: NODES, maxLength: NODES }),
          marked: fc.boolean(),
        }),
        ({ order, left, marks, marked }) => {
          const cluster = new Cluster(Array.from({ length: NODES }, (_, i) => ({ name: `n${i}`, capacity: { cpu: 1000, memory: 1024, gpu: 1000 }, labels: {} })));
          const arena = cluster.arena;
          const marksIn = arena.u8();
          marksIn.set(marks);
          const flags = arena.u8();
          const kernel = OfferKernel.create(arena, { freeCpu: cluster.freeCpu, freeMemory: cluster.freeMemory, freeGpu: cluster.freeGpu, flags, marks: marksIn }, minOfferThresholds({ cpu: 0, memory: 0, gpu: 0 }))!;
          const offered = arena.i32(order.length);
          offered.set(order);
          const remaining = arena.f64(3 * order.length);
          order.forEach((node, i) => remaining.set(left[node]!, 3 * i));
          const declined = arena.i32(NODES);
          const amounts = arena.f64(3 * NODES);
          const touched = arena.i32(NODES);
          const got = kernel.decline(offered, remaining, declined, amounts, touched, marked)!;
          // The loop written out.
          const want = { nodes: [] as number[], amounts: [] as number[], sums: [0, 0, 0], touched: [] as number[] };
          order.forEach((node, i) => {
            if (marked && marks[node] === 1) want.touched.push(node);
            const [c, m, g] = [remaining[3 * i]!, remaining[3 * i + 1]!, remaining[3 * i + 2]!];
            if (c === 0 && m === 0 && g === 0) return;
            want.nodes.push(node);
            want.amounts.push(c, m, g);
            want.sums = [want.sums[0]! + c, want.sums[1]! + m, want.sums[2]! + g];
          });
          expect(Array.from(declined.subarray(0, got.declined))).toEqual(want.nodes);
          expect(Array.from(amounts.subarray(0, 3 * got.declined))).toEqual(want.amounts);
          expect([got.cpu, got.memory, got.gpu]).toEqual(want.sums);
          expect(Array.from(touched.subarray(0, got.touched))).toEqual(want.touched);
          if (want.nodes.length > 0) declinedSome++;
          if (want.touched.length > 0) touchedSome++;
        },
      ),
      { numRuns: numRuns(300), seed: propertySeed(20261207) },
    );
    expect(declinedSome).toBeGreaterThan(150);
    expect(touchedSome).toBeGreaterThan(50);
  });

  it("declines nothing in the kernel where a list is not in the arena", () => {
    const cluster = new Cluster([{ name: "n0", capacity: { cpu: 1000, memory: 1024, gpu: 0 }, labels: {} }]);
    const arena = cluster.arena;
    const kernel = OfferKernel.create(arena, { freeCpu: cluster.freeCpu, freeMemory: cluster.freeMemory, freeGpu: cluster.freeGpu, flags: arena.u8(), marks: arena.u8() }, minOfferThresholds({ cpu: 0, memory: 0, gpu: 0 }))!;
    expect(kernel.decline(Int32Array.of(0), arena.f64(3), arena.i32(1), arena.f64(3), arena.i32(1), false)).toBeUndefined();
  });
});

/** A random round: the settle cases' cluster, filters and wants, with DRF allocations and offer counts so far. */
const roundArb = fc.record({
  // The first two frameworks want any node: most rounds have two competing for each node.
  state: settleArb.map((s) => ({ ...s, frameworks: s.frameworks.map((fw, i) => (i < 2 ? { ...fw, wants: true, anyNode: true } : fw)) })),
  allocations: fc.array(fc.tuple(fc.constantFrom(0, 1000, 2000), fc.constantFrom(0, 1024, 4096), fc.constantFrom(0, 0, 1000)), { minLength: 3, maxLength: 3 }),
  counts: fc.array(fc.constantFrom(0, 1, 2), { minLength: 3, maxLength: 3 }),
});

/** offerEach over the case's visited nodes (node scope), with the filter kernel's round (everything in the arena) or without it. */
function offeredEach(c: typeof roundArb extends fc.Arbitrary<infer T> ? T : never, withKernel: boolean) {
  const s = c.state;
  const frameworks = s.frameworks.length;
  const { cluster, arena, wanting, marks, flags, nodes, minOffer } = stateOf(s);
  const parked = new NodeList(NODES, arena.i32(NODES));
  const total = { cpu: 7000, memory: 7168, gpu: 7000 };
  const drf = new DrfRound(frameworks, total, marks, arena);
  drf.begin(wanting, (f) => ({ cpu: c.allocations[f]![0], memory: c.allocations[f]![1], gpu: c.allocations[f]![2] }));
  drf.allocations.set(c.counts.slice(0, frameworks));
  const batches = new RoundBatches(frameworks, new BatchBuffers(NODES, arena), arena);
  batches.begin();
  const { freeCpu, freeMemory, freeGpu, up } = cluster;
  const kernel = withKernel ? FilterKernel.create(arena, { freeCpu, freeMemory, freeGpu, flags, marks, up, parked: parked.items }, minOffer, total, frameworks) : undefined;
  offerEach(cluster, { drf, batches, flags, parked, minOffer }, nodes, NOW, wanting, undefined, kernel);
  const batchOf = (f: number) => {
    const size = batches.size[f]!;
    const b = batches.existing(f);
    return b === undefined ? null : [Array.from(b.nodes.subarray(0, size)), Array.from(b.amounts.subarray(0, 3 * size))];
  };
  return {
    batches: Array.from({ length: frameworks }, (_, f) => batchOf(f)),
    allocated: Array.from(drf.allocated),
    counts: Array.from(drf.allocations),
    flags: Array.from(flags),
    parked: Array.from(parked.items.subarray(0, parked.length)),
    free: Array.from({ length: NODES }, (_, node) => cluster.free(node)),
    seqs: [Array.from(cluster.seq), Array.from(cluster.claimSeq)],
    changes: cluster.changes,
  };
}

describe("an offer round's loop (offerEach)", () => {
  it("offers, counts and parks in the filter kernel what DrfRound.choose does node by node, on random filters, wants, allocations and flags", () => {
    let contested = 0;
    fc.assert(
      fc.property(roundArb, (c) => {
        const fast = offeredEach(c, true);
        expect(fast).toEqual(offeredEach(c, false));
        if (fast.batches.filter((b) => b !== null && b[0]!.length > 0).length > 1) contested++;
      }),
      { numRuns: numRuns(400), seed: propertySeed(20261207) },
    );
    // Rounds that offered to more than one framework (where DRF order decides).
    expect(contested).toBeGreaterThan(50);
  });
});

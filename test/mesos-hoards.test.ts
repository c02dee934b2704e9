import { describe, expect, it } from "vitest";
import { Hoards } from "../sim/strategies/mesos/hoards.ts";
import { holdsBack, RefuseFilters } from "../sim/strategies/mesos/filters.ts";
import type { Group } from "../sim/model/group.ts";
import { ZERO } from "../sim/model/resources.ts";
import { Cluster } from "../sim/model/cluster.ts";
import type { OfferBatch } from "../sim/strategies/mesos/offers.ts";
import type { Framework, GroupState } from "../sim/strategies/mesos/state.ts";

/** What unanswered offers lock per node (the validating observer's `offered`, and whether a node is starved). */

const batch = (offers: [node: number, cpu: number, memory: number][]): OfferBatch => ({
  nodes: Int32Array.from(offers.map(([n]) => n)),
  amounts: Float64Array.from(offers.flatMap(([, c, m]) => [c, m, 0])),
  offeredAt: 0,
});

describe("Hoards: unanswered offers", () => {
  it("locks what each delivered batch offers of a node until that batch is answered", () => {
    const hoards = new Hoards(4);
    const a = batch([
      [1, 1000, 2048],
      [2, 500, 1024],
    ]);
    hoards.track(a, 1);
    expect(hoards.offeredOn(1)).toEqual({ cpu: 1000, memory: 2048, gpu: 0 });
    expect(hoards.offeredOn(3)).toEqual({ cpu: 0, memory: 0, gpu: 0 });
    hoards.track(a, -1);
    expect(hoards.offeredOn(1)).toEqual({ cpu: 0, memory: 0, gpu: 0 });
  });

  it.each([
    ["the later batch is answered first", "b", { cpu: 500, memory: 1024, gpu: 0 }],
    ["the earlier batch is answered first", "a", { cpu: 250, memory: 256, gpu: 0 }],
  ] as const)("sums a node offered again while an earlier offer of it is unanswered; %s", (_, first, left) => {
    // Node 2 was offered whole in `a`; a task there ended meanwhile and the freed room was offered in `b`.
    const hoards = new Hoards(4);
    const a = batch([
      [1, 1000, 2048],
      [2, 500, 1024],
    ]);
    const b = batch([[2, 250, 256]]);
    hoards.track(a, 1);
    hoards.track(b, 1);
    expect(hoards.offeredOn(2)).toEqual({ cpu: 750, memory: 1280, gpu: 0 });
    hoards.track(first === "a" ? a : b, -1);
    expect(hoards.offeredOn(2)).toEqual(left);
    expect(hoards.offeredOn(1)).toEqual(first === "a" ? { cpu: 0, memory: 0, gpu: 0 } : { cpu: 1000, memory: 2048, gpu: 0 });
    hoards.track(first === "a" ? b : a, -1);
    expect(hoards.offeredOn(2)).toEqual({ cpu: 0, memory: 0, gpu: 0 });
  });

  it("sees no unanswered offer of a node once each of its batches is answered, where the amounts do not cancel in floating point", () => {
    // 0.1 + 0.2 - 0.1 - 0.2 is 2.8e-17 in doubles: a running sum would still show an offer there.
    const cluster = new Cluster([{ name: "n0", capacity: { cpu: 1, memory: 1, gpu: 0 }, labels: {} }]);
    const hoards = new Hoards(1);
    const starved = () => hoards.starvedOn(0, cluster, () => false);
    const [a, b] = [batch([[0, 0.1, 0]]), batch([[0, 0.2, 0]])];
    expect(starved()).toBe(true);
    const seen: boolean[] = [];
    for (const [offers, sign] of [[a, 1], [b, 1], [a, -1], [b, -1]] as const) {
      hoards.track(offers, sign);
      seen.push(starved());
    }
    expect(seen).toEqual([false, false, false, true]);
    expect(hoards.offeredOn(0)).toEqual({ cpu: 0, memory: 0, gpu: 0 });
  });
});

describe("Hoards: where groups hoard", () => {
  const framework = (): Framework => ({ id: 0, unbound: [], hoards: new Uint32Array(4), hoardNodeCount: 0, rechecks: [], work: [], busy: false, recheckQueued: false, alloc: ZERO });
  const groupState = (index: number, f: Framework): GroupState => {
    const g = { group: { index } as Group, framework: f.id, need: ZERO, arrivedMembers: [], status: "pending", holdNode: -1, holds: [], held: ZERO, waiting: false, aborts: 0 } satisfies GroupState;
    f.unbound.push(g);
    return g;
  };

  it("counts the nodes some group hoards on, as groups start and stop hoarding there", () => {
    const hoards = new Hoards(4);
    const f = framework();
    const [a, b, c] = [groupState(0, f), groupState(1, f), groupState(2, f)];
    expect(hoards.nodeCount).toBe(0);
    hoards.bind(f, a, 1);
    hoards.bind(f, b, 1);
    hoards.bind(f, c, 3);
    expect([hoards.nodeCount, f.hoardNodeCount, hoards.hoarded(1), hoards.hoarded(2)]).toEqual([2, 2, true, false]);
    hoards.unbind(f, a);
    expect([hoards.nodeCount, hoards.hoarded(1)]).toEqual([2, true]);
    hoards.unbind(f, b);
    hoards.unbind(f, c);
    expect([hoards.nodeCount, f.hoardNodeCount, hoards.hoarded(1), hoards.hoarded(3)]).toEqual([0, 0, false, false]);
  });

  it("marks a node exactly while some framework's hoard count there is above 0", () => {
    const hoards = new Hoards(4);
    const [f, h] = [framework(), { ...framework(), id: 1, unbound: [], hoards: new Uint32Array(4) }];
    const [a, b, c] = [groupState(0, f), groupState(1, h), groupState(2, h)];
    const counted = () => Array.from({ length: 4 }, (_, node) => (f.hoards[node]! > 0 || h.hoards[node]! > 0 ? 1 : 0));
    const steps: (() => void)[] = [() => hoards.bind(f, a, 2), () => hoards.bind(h, b, 2), () => hoards.bind(h, c, 0), () => hoards.unbind(f, a), () => hoards.unbind(h, c), () => hoards.unbind(h, b)];
    const seen: number[][] = [];
    const markings: number[] = [];
    for (const step of steps) {
      step();
      expect([...hoards.marks]).toEqual(counted());
      seen.push([...hoards.marks]);
      markings.push(hoards.markings);
    }
    // Node 2 stays marked while either framework hoards there, and is unmarked when neither does.
    expect(seen.map((m) => m[2])).toEqual([1, 1, 1, 1, 1, 0]);
    // The count of markings moves only when a node goes from unmarked to marked (nodes 2 and 0), never back.
    expect(markings).toEqual([1, 1, 2, 2, 2, 2]);
  });
});

describe("Hoards.pushHoardersOn: a framework's hoarders on offered nodes", () => {
  const framework = (id: number): Framework => ({ id, unbound: [], hoards: new Uint32Array(4), hoardNodeCount: 0, rechecks: [], work: [], busy: false, recheckQueued: false, alloc: ZERO });
  const groupState = (index: number, f: Framework): GroupState => {
    const g = { group: { index } as Group, framework: f.id, need: ZERO, arrivedMembers: [], status: "pending", holdNode: -1, holds: [], held: ZERO, waiting: false, aborts: 0 } satisfies GroupState;
    f.unbound.push(g);
    return g;
  };
  const batchOf = (nodes: number[], markingsAt: number): OfferBatch => ({ nodes: Int32Array.from(nodes), amounts: new Float64Array(3 * nodes.length), offeredAt: 0, markingsAt });
  const hoardersOn = (hoards: Hoards, f: Framework, batch: OfferBatch) => {
    const out: GroupState[] = [];
    hoards.pushHoardersOn(f, batch, out);
    return out.map((g) => g.group.index);
  };

  it("finds a hoarder that began on an offered node after an unmarked batch was made", () => {
    const hoards = new Hoards(4);
    const [f, h] = [framework(0), framework(1)];
    const [a, b, c] = [groupState(0, f), groupState(1, h), groupState(2, f)];
    hoards.bind(f, c, 0);
    // Made while none of its nodes was marked: it says so with the count of markings then.
    const batch = batchOf([3, 2, 1], hoards.markings);
    expect(hoardersOn(hoards, f, batch)).toEqual([]);
    hoards.bind(f, a, 2);
    hoards.bind(h, b, 1);
    // f's own hoarder on node 2 is found; h's on node 1 is not f's.
    expect(hoardersOn(hoards, f, batch)).toEqual([0]);
    expect(hoardersOn(hoards, h, batch)).toEqual([1]);
  });

  it("looks at every offered node of a batch made with a marked node, in the offers' order", () => {
    const hoards = new Hoards(4);
    const f = framework(0);
    const [a, b] = [groupState(0, f), groupState(1, f)];
    hoards.bind(f, a, 3);
    hoards.bind(f, b, 1);
    expect(hoardersOn(hoards, f, batchOf([1, 2, 3], -1))).toEqual([1, 0]);
    expect(hoardersOn(hoards, f, batchOf([0, 2], -1))).toEqual([]);
  });
});

describe("RefuseFilters.end: the nodes a filter's end lists", () => {
  // Nodes 0..5: hoarded on (some framework's count above 0) and up.
  const among = { hoarded: Uint8Array.from([0, 1, 0, 1, 0, 0]), up: Uint8Array.from([1, 1, 0, 1, 1, 0]) };
  it.each([
    { name: "lists every node whose filter ends, in order", among: undefined, listed: [4, 3, 2, 0, 1, 5] },
    { name: "lists only hoarded and down nodes when asked, in order", among, listed: [3, 2, 1, 5] },
  ])("$name; every filter ends all the same", ({ among, listed }) => {
    const filters = new RefuseFilters(1, 6);
    const nodes = Int32Array.from([4, 3, 2, 0, 1, 5]);
    filters.set(0, nodes, new Float64Array(18).fill(1000), 20);
    // Node 0's filter was set again since, until later: this end leaves it.
    filters.set(0, Int32Array.from([0]), Float64Array.from([1000, 1000, 1000]), 25);
    const out = new Int32Array(6);
    const { ended, listed: n } = filters.end(0, nodes, 20, out, among);
    expect(ended).toBe(5);
    expect([...out.subarray(0, n)]).toEqual(listed.filter((node) => node !== 0));
    const holding = (node: number, now: number) => holdsBack(filters.of(0), node, now, 1, 1, 1);
    expect([0, 1, 2, 3, 4, 5].map((node) => holding(node, 20))).toEqual([true, false, false, false, false, false]);
    // An end of the same time again, listing every node, lists none: every filter that ended is gone, listed or not.
    expect(filters.end(0, nodes, 20, out)).toEqual({ ended: 0, listed: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { Hoards } from "../sim/strategies/mesos/hoards.ts";
import type { Group } from "../sim/model/group.ts";
import { ZERO } from "../sim/model/resources.ts";
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
});

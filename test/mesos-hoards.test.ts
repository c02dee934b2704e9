import { describe, expect, it } from "vitest";
import { Hoards } from "../sim/strategies/mesos/hoards.ts";
import type { OfferBatch } from "../sim/strategies/mesos/offers.ts";

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

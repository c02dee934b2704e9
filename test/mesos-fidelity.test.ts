import { describe, expect, it } from "vitest";
import { Ev } from "../sim/metrics/log.ts";
import { allocatorHarness } from "./support/allocator-harness.ts";
import { group, inlineScenario, member, node, run } from "./support/fixtures.ts";

/**
 * mesos against Apache Mesos 1.11: src/master/allocator/mesos/hierarchical.cpp
 * (RefusedOfferFilter, recoverResources, reviveOffers), sorter/drf/sorter.hpp
 * (compareDRF), and the Omega simulator's Mesos (MesosSimulation.scala) for
 * offerScope "cell". Decision time: tJob 0.1 + tTask 0.05 per member launched;
 * allocation rounds at whole seconds (allocationInterval 1).
 */
describe("mesos refuse filters and revive", () => {
  it("offers a node again before its filter expires once its free resources grew past what was declined", () => {
    // n: 4,000 MiB. g0 (2,000 MiB, 3 s) launches at the round of t=0, at 0.15; the framework declines the
    // other 2,000. g1 (3,000 MiB) arrives at 1: its framework revives (new work), the round at 1 offers
    // the 2,000 MiB left, g1 does not fit: declined at 1.1, filter until 1.1 + max(5, 1) = 6.1 for offers
    // contained in 2,000 MiB. g0 ends at 3.15: 4,000 MiB free is not contained in the filter, so the
    // round at 4 offers it; g1 launches at 4.15. (A time-only filter would hold it to the round at 7.)
    const s = inlineScenario({
      nodes: [node("n", 4000, 8000)],
      groups: [group("g0", 0, 3, [member(2000)]), group("g1", 1, 10, [member(3000)])],
      strategies: { mesos: { frameworks: 1, offerOrder: "node" } },
    });
    const ran = run(s, "mesos", 1, { check: true });
    expect(ran.row("g0").started).toBeCloseTo(0.15, 12);
    expect(ran.row("g1").started).toBeCloseTo(4.15, 12);
  });

  it.each([
    [true, 1.15],
    [false, 6.15],
  ])("revive %s: a group arriving after a decline is offered the declined node at once (1.15) or when the filter expires (6.15)", (revive, started) => {
    // a: 1,000 MiB; b: 4,000 MiB. g0 (4,000 MiB) takes b at the round of 0, launching at 0.15; a is
    // declined then (filter until 0.15 + 5 = 5.15). g1 (500 MiB) arrives at 1. With revive its framework
    // clears its filters: the round at 1 offers a, g1 launches at 1.15. Without, a stays filtered (its
    // 1,000 MiB is what was declined) until 5.15; the round at 6 offers it: 6.15.
    const s = inlineScenario({
      nodes: [node("a", 1000, 8000), node("b", 4000, 8000)],
      groups: [group("g0", 0, 50, [member(4000)]), group("g1", 1, 10, [member(500)])],
      strategies: { mesos: { frameworks: 1, offerOrder: "node", revive } },
    });
    const ran = run(s, "mesos", 1, { check: true });
    expect(ran.row("g0")).toMatchObject({ nodes: "b" });
    expect(ran.row("g1")).toMatchObject({ nodes: "a" });
    expect(ran.row("g1").started).toBeCloseTo(started, 12);
  });
});

describe("mesos parks nodes no framework wants", () => {
  /** The allocation rounds of a run: when, and how many nodes each visited. */
  function rounds(ran: ReturnType<typeof run>): { t: number; visits: number }[] {
    const log = ran.result.log;
    const out: { t: number; visits: number }[] = [];
    for (let i = 0; i < log.length; i++) if (log.kind[i] === Ev.AllocRound) out.push({ t: log.t[i]!, visits: log.r0[i]! });
    return out;
  }

  it("parks declined nodes at once, looks at them again when their filter ends, and offers them when a new group revives the framework", () => {
    // a, b: 4,000 MiB each. g0 and g00 (2,500 MiB, 100 s) arrive at 0 with big (2,000 MiB: it fits an empty
    // node, so it waits, and its framework keeps wanting offers). The round at 0 offers a and b: g0 launches
    // on a and g00 on b at 0.2, and the 1,500 MiB left on each is declined, filtered to 5.2. No framework
    // can be offered them then: they are parked at once, not visited by a round at 1 only to be parked
    // there. The filter ends at 5.2: the round at 6 offers them to the framework (for big), which declines
    // them again. g1 (1,000 MiB) arrives at 10: the framework revives, the round at 10 offers a and b.
    const s = inlineScenario({
      nodes: [node("a", 4000, 8000), node("b", 4000, 8000)],
      groups: [group("g0", 0, 100, [member(2500)]), group("g00", 0, 100, [member(2500)]), group("big", 0, 10, [member(2000)]), group("g1", 10, 5, [member(1000)])],
      horizon: 30,
      strategies: { mesos: { frameworks: 1, offerOrder: "node" } },
    });
    const ran = run(s, "mesos", 1, { check: true });
    expect(ran.row("g0")).toMatchObject({ nodes: "a" });
    expect(ran.row("g00")).toMatchObject({ nodes: "b" });
    expect(ran.row("big").outcome).toBe("pending");
    expect(ran.row("g1").started).toBeCloseTo(10.15, 12);
    const all = rounds(ran);
    expect(all.filter((r) => r.t < 10)).toEqual([
      { t: 0, visits: 2 },
      { t: 6, visits: 2 },
    ]);
    expect(all.find((r) => r.t === 10)).toEqual({ t: 10, visits: 2 });
  });
});

describe("mesos offer scope", () => {
  it.each([
    ["node", 0.15],
    ["cell", 1.15],
  ])("%s: the second framework's group starts at %s", (offerScope, started) => {
    // Two 4,000 MiB nodes, one group per framework at 0 (1,000 MiB each). Per-node offers: DRF gives one
    // node to each framework in the round at 0, both launch at 0.15. Cell offers: the round at 0 offers
    // the whole cell to framework 0 (first in DRF order), locked for its decision; it launches g0 at 0.15
    // and declines the rest (no filter in the cell scope); the round at 1 offers it to framework 1: 1.15.
    const s = inlineScenario({
      nodes: [node("x", 4000, 8000), node("y", 4000, 8000)],
      groups: [group("g0", 0, 50, [member(1000)], { framework: 0 }), group("g1", 0, 50, [member(1000)], { framework: 1 })],
      strategies: { mesos: { frameworks: 2, offerOrder: "node", offerScope } },
    });
    const ran = run(s, "mesos", 1, { check: true });
    expect(ran.row("g0").started).toBeCloseTo(0.15, 12);
    expect(ran.row("g1").started).toBeCloseTo(started, 12);
  });
});

describe("allocator: DRF order and the cell scope", () => {
  /** Frameworks whose shares stay fixed (offers do not move them), so ties are decided by the sorter's later keys. */
  function harness(shares: number[], nodes: number, offerScope: "node" | "cell") {
    const h = allocatorHarness(shares, nodes, { params: { offerScope } });
    h.allocator.schedule();
    h.sim.run(0);
    return h.got;
  }

  it("breaks equal shares by allocation count, then id: equal frameworks take turns", () => {
    // compareDRF: share, then allocation.count (times chosen), then path. Shares stay 0: n0 -> f0 (counts 0, 0:
    // lower id), n1 -> f1 (count 0 < 1), n2 -> f0, n3 -> f1.
    expect(harness([0, 0], 4, "node")).toEqual([
      [0, [0, 2]],
      [1, [1, 3]],
    ]);
  });

  it("offers every node to the one framework first in DRF order in the cell scope", () => {
    expect(harness([0.2, 0.1], 4, "cell")).toEqual([[1, [0, 1, 2, 3]]]);
  });
});

describe("mesos stalls apart from deadlocks", () => {
  it("reports a group starved below the minimum offer as stalled", () => {
    // n: 1,000 m cpu x 1,000 MiB. g0's member A (995 m, 975 MiB) arrives at 0; the whole node is offered at
    // the round of 0 and, holding exactly what arrived, the framework keeps 995 m / 975 MiB and declines
    // the rest at 0.1: 5 m / 25 MiB, below the minimum offer (10 m cpu or 32 MiB), so the node is never
    // offered again. B (5 m, 20 MiB) arrives at 2; the re-check (0.1 s) finds it cannot launch at 2.1:
    // what it misses is free on the node, but no offer will ever bring it and nothing runs there to free
    // more. A stall, detected at 2.1 (before: no record, the group ended `pending`).
    const s = inlineScenario({
      nodes: [node("n", 1000, 1000)],
      groups: [group("g0", 0, 10, [member(975, { cpu: 995 }), member(20, { cpu: 5, delay: 2 })])],
      strategies: { mesos: { frameworks: 1, hold: "exact" } },
    });
    const ran = run(s, "mesos", 1, { check: true });
    expect(ran.row("g0").outcome).toBe("stalled");
    expect(ran.tables.deadlocks).toHaveLength(1);
    expect(ran.tables.deadlocks[0]).toMatchObject({ kind: "stall", group_ids: "g0", nodes: "n", resolution: "none", held_cpu: 995, held_memory: 975 });
    expect(ran.tables.deadlocks[0]!.time).toBeCloseTo(2.1, 12);
    expect(ran.tables.run).toMatchObject({ stalls: 1, stalled: 1, deadlocks: 0 });
  });

  it("keeps hold-and-wait between two groups a deadlock", () => {
    // deadlock-two-frameworks: each framework holds half of the node for a group that needs all of it.
    const ran = run(inlineScenario({
      nodes: [node("node", 4000, 8000)],
      groups: [
        group("g1", 0, 10, [member(2000), member(2000, { delay: 2 })], { framework: 0 }),
        group("g2", 1, 10, [member(2000), member(2000, { delay: 2 })], { framework: 1 }),
      ],
      strategies: { mesos: { frameworks: 2, hold: "exact", offerOrder: "node" } },
    }), "mesos", 1, { check: true });
    expect(ran.tables.deadlocks).toHaveLength(1);
    expect(ran.tables.deadlocks[0]).toMatchObject({ kind: "deadlock", groups: 2, group_ids: "g1;g2" });
    expect(ran.tables.run).toMatchObject({ deadlocks: 1, deadlocked: 2, stalls: 0, stalled: 0 });
  });
});

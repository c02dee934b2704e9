import { describe, expect, it } from "vitest";
import { Ev } from "../sim/metrics/log.ts";
import { OUTCOMES } from "../sim/metrics/summary.ts";
import { resources, ZERO } from "../sim/model/resources.ts";
import { stuckWaiters } from "../sim/strategies/mesos/deadlock.ts";
import { abortBackoffSeconds } from "../sim/strategies/mesos.ts";
import { offerSet, planDecision, type GroupView } from "../sim/strategies/mesos/plan.ts";
import { allocatorHarness } from "./support/allocator-harness.ts";
import { group, inlineScenario, member, node, run, shipped } from "./support/fixtures.ts";

// Seed scenarios: tJob 0.1, tTask 0.05; a framework answer that launches the
// two-container group takes 0.1 + 2 x 0.05 = 0.2 s, one that launches nothing 0.1 s.
const staggered = (...sets: string[]) => shipped("seed-two-nodes-staggered", ["strategies.mesos.offerOrder=node", ...sets]);

function logged(ran: ReturnType<typeof run>, kind: number) {
  const log = ran.result.log;
  const out: { t: number; group: number; node: number }[] = [];
  for (let i = 0; i < log.length; i++) if (log.kind[i] === kind) out.push({ t: log.t[i]!, group: log.group[i]!, node: log.node[i]! });
  return out;
}

describe("mesos on seed-two-nodes-staggered (B arrives 1 s after A)", () => {
  it.each(["whole-offer", "exact"])(
    "target arrived, hold %s, no timeout: hoards node A for A and is stalled once B arrives, to the end",
    (hold) => {
      const ran = run(staggered(`strategies.mesos.hold=${hold}`), "mesos");
      const r = ran.row("app");
      expect(r).toMatchObject({ outcome: "stalled", correct: false, nodes: "" });
      expect(r.started).toBeNaN();
      // Offer round at t = 0, answered at 0.1 (hold on node A); B arrives at 1, the framework
      // finds at 1.1 that it cannot launch: its need (1536 MiB) exceeds node A's 1280 even when empty.
      // One group waiting for what its node can never give is a stall, not a deadlock (no hold-and-wait
      // between groups); before stalls were told apart this was reported as a one-group deadlock.
      const [deadlock] = ran.tables.deadlocks;
      expect(ran.tables.deadlocks).toHaveLength(1);
      expect(deadlock).toMatchObject({ kind: "stall", groups: 1, group_ids: "app", nodes: "node-a", resolution: "none" });
      expect(deadlock!.time).toBeCloseTo(1.1, 12);
      expect(ran.tables.run).toMatchObject({ stalls: 1, stalled: 1, deadlocks: 0, deadlocked: 0 });
      expect(ran.tables.run.first_deadlock).toBeNaN();
      const heldMemory = hold === "exact" ? 1024 : 1280;
      expect(deadlock!.held_memory).toBe(heldMemory);
      // With exact holds, the rest of node A (256 MiB), declined at 0.1, is offered again at the
      // round of t = 6 (refuse filter expired at 5.1) and the hoarder keeps it too.
      const heldSeconds = hold === "exact" ? 1024 * (60 - 0.1) + 256 * (60 - 6.1) : 1280 * (60 - 0.1);
      expect(r.held_memory_s).toBeCloseTo(heldSeconds, 6);
      // Node B is untouched: never held, nothing ran there.
      const nodeB = 1;
      expect(logged(ran, Ev.HoldStart).every((h) => h.node !== nodeB)).toBe(true);
      expect(logged(ran, Ev.TaskStart)).toEqual([]);
    },
  );

  it("with offerTimeout 10 the hold is rescinded and the group completes on node B", () => {
    const ran = run(staggered("strategies.mesos.offerTimeout=10"), "mesos");
    const r = ran.row("app");
    expect(r).toMatchObject({ outcome: "completed", correct: true, nodes: "node-b" });
    // Node B is declined at 0.1; once the group hoards (and waits, from 1.1) its framework
    // wants only node A, so node B stays parked. The hold on node A is rescinded at 10
    // (offered at 0): the group holds nothing, its framework wants any node again, and the
    // round at t = 10 offers node A and node B; the group launches on node B at 10.2.
    expect(r.latency).toBeCloseTo(10.2, 12);
    expect(r.latency).toBeGreaterThanOrEqual(10);
    expect(r.held_memory_s).toBeCloseTo(1280 * (10 - 0.1), 6);
    expect(ran.tables.deadlocks).toHaveLength(1);
    expect(ran.tables.deadlocks[0]).toMatchObject({ resolution: "timeout", resolved_at: 10 });
    expect(ran.tables.run.rescinds).toBe(1);
  });

  it("with target declared it never holds node A and completes on node B right after B arrives", () => {
    const ran = run(staggered("strategies.mesos.target=declared"), "mesos");
    const r = ran.row("app");
    expect(r).toMatchObject({ outcome: "completed", correct: true, nodes: "node-b" });
    expect(r.started).toBeCloseTo(1 + 0.2, 12);
    expect(logged(ran, Ev.HoldStart).map((h) => h.node)).toEqual([1]);
    expect(ran.tables.deadlocks).toEqual([]);
  });
});

describe("mesos on deadlock-two-frameworks", () => {
  const horizon = 100;

  it("hold exact: each framework holds half the node, both groups deadlock at t = 3 plus decision time", () => {
    const ran = run(shipped("deadlock-two-frameworks"), "mesos");
    expect(ran.tables.deadlocks).toHaveLength(1);
    const d = ran.tables.deadlocks[0]!;
    expect(d).toMatchObject({ groups: 2, group_ids: "g1;g2", nodes: "node", held_memory: 4000, resolution: "none" });
    expect(d.time).toBeCloseTo(3.1, 12);
    // g1 holds from 0.1 (offer round at 0), g2 from 1.1 (offer round at 1).
    expect(ran.row("g1")).toMatchObject({ outcome: "deadlocked", correct: false });
    expect(ran.row("g2")).toMatchObject({ outcome: "deadlocked", correct: false });
    expect(ran.row("g1").held_memory_s).toBeCloseTo(2000 * (horizon - 0.1), 6);
    expect(ran.row("g2").held_memory_s).toBeCloseTo(2000 * (horizon - 1.1), 6);
    expect(ran.tables.run).toMatchObject({ deadlocks: 1, deadlocked: 2 });
  });

  it("abort-youngest: g2 releases and backs off, g1 completes, then g2 completes after g1 finishes", () => {
    const ran = run(shipped("deadlock-two-frameworks", ["strategies.mesos.onDeadlock=abort-youngest"]), "mesos");
    const d = ran.tables.deadlocks[0]!;
    expect(d).toMatchObject({ resolution: "aborted:g2", group_ids: "g1;g2" });
    expect(d.resolved_at).toBeCloseTo(3.1, 12);
    const g1 = ran.row("g1");
    const g2 = ran.row("g2");
    expect(g1).toMatchObject({ outcome: "completed", correct: true });
    expect(g2).toMatchObject({ outcome: "completed", correct: true });
    // g1's framework declined the rest of the node at 0.1, so its filter lasts to 5.1: it gets
    // the freed half at the round of t = 6 and launches at 6.2.
    expect(g1.started).toBeCloseTo(6.2, 12);
    // g2 waits out abortBackoff (10 s, until 13.1); being new work again, its framework revives (clears
    // its filters). g1 finishes at 16.2; the round at 17 offers the whole node to g2's framework, which
    // launches it after 0.1 + 2 x 0.05. (Before revive and contained-resource filters: 20.2, held back by
    // a filter from a decline while g1 ran.)
    expect(g2.started).toBeGreaterThanOrEqual(g1.finished);
    expect(g2.started).toBeCloseTo(17.2, 12);
    expect(g2.held_memory_s).toBeCloseTo(2000 * (3.1 - 1.1), 6);
  });

  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
  ])("backs a group off %i time(s) for %i s (abortBackoff 10 s, doubling per abort)", (aborts, seconds) => {
    expect(abortBackoffSeconds(10, aborts)).toBe(seconds);
  });

  it("resolves deadlocks among three hoarders by aborting the youngest stuck group each time", () => {
    // Three groups on one node, each holding a third. When a and b both wait at 4.2,
    // b (the younger) is aborted; when c waits at 5.2 with a, c is aborted. All complete.
    const s = inlineScenario({
      nodes: [node("n", 3000, 8000)],
      groups: ["a", "b", "c"].map((id, i) =>
        group(id, i, 50, [member(1000, { delay: 0 }), member(1000, { delay: 3 }), member(1000, { delay: 3 })], { framework: i }),
      ),
      horizon: 400,
      strategies: { mesos: { frameworks: 3, hold: "exact", target: "arrived", offerOrder: "node", onDeadlock: "abort-youngest" } },
    });
    const ran = run(s, "mesos");
    expect(ran.tables.deadlocks.map((d) => [d.group_ids, d.resolution])).toEqual([
      ["a;b", "aborted:b"],
      ["a;c", "aborted:c"],
    ]);
    for (const id of ["a", "b", "c"]) expect(ran.row(id).outcome).toBe("completed");
    // The aborted groups wait out their backoff before they are placed.
    expect(ran.row("b").started).toBeGreaterThanOrEqual(4.2 + 10);
    expect(ran.row("c").started).toBeGreaterThanOrEqual(5.2 + 10);
  });

  it("hold whole-offer: no deadlock; g1 holds the whole node and g2 waits", () => {
    const ran = run(shipped("deadlock-two-frameworks", ["strategies.mesos.hold=whole-offer"]), "mesos");
    expect(ran.tables.deadlocks).toEqual([]);
    const g1 = ran.row("g1");
    const g2 = ran.row("g2");
    expect(g1.started).toBeCloseTo(2.2, 12);
    expect(g1.held_memory_s).toBeCloseTo(4000 * (2.2 - 0.1), 6);
    expect(g2.held_memory_s).toBe(0);
    expect(g2.started).toBeGreaterThan(g1.finished);
    expect(g2.outcome).toBe("completed");
  });
});

describe("deadlock reduction", () => {
  const w = (index: number, need: number, held: number) => ({ index, need: resources(0, need), held: resources(0, held) });
  it.each([
    ["nobody waits", 4000, [], []],
    ["one waiter that fits the node", 4000, [w(0, 4000, 2000)], []],
    ["one waiter larger than its node", 1280, [w(0, 1536, 1024)], [0]],
    ["two waiters each holding half", 4000, [w(0, 4000, 2000), w(1, 4000, 2000)], [0, 1]],
    ["two waiters, one can finish first", 4000, [w(0, 2000, 1000), w(1, 4000, 2000)], []],
    ["a chain: c finishes, then b, then a", 6000, [w(0, 6000, 2000), w(1, 4000, 2000), w(2, 2000, 2000)], []],
    ["two stuck, one free", 4000, [w(0, 3500, 1500), w(1, 3500, 1500), w(2, 1000, 0)], [0, 1]],
    ["a free one whose finish unblocks the others", 4000, [w(0, 3000, 1000), w(1, 3000, 1000), w(2, 1000, 0)], []],
  ] as const)("%s", (_, capacity, waiters, stuck) => {
    expect(stuckWaiters(resources(0, capacity), waiters).map((x) => x.index)).toEqual(stuck);
  });
});

describe("framework decisions", () => {
  const view = (v: Partial<GroupView> & { index: number }): GroupView => ({
    allArrived: false,
    need: resources(0, 1536),
    target: resources(0, 1024),
    holdNode: -1,
    held: ZERO,
    ...v,
  });
  const offers = offerSet([
    { node: 0, resources: resources(0, 1280) },
    { node: 1, resources: resources(0, 2048) },
  ]);

  it("hoards on the first offer that fits the arrived members", () => {
    expect(planDecision([view({ index: 0 })], offers, "exact")).toEqual([{ kind: "hold", group: 0, node: 0, take: resources(0, 1024) }]);
    expect(planDecision([view({ index: 0 })], offers, "whole-offer")).toEqual([{ kind: "hold", group: 0, node: 0, take: resources(0, 1280) }]);
  });

  it("launches a complete group on the first offer that fits it whole", () => {
    const g = view({ index: 0, allArrived: true, target: resources(0, 1536) });
    expect(planDecision([g], offers, "exact")).toEqual([{ kind: "launch", group: 0, node: 1, fromOffer: resources(0, 1536) }]);
  });

  it("looks only at its own node once it hoards", () => {
    const g = view({ index: 0, allArrived: true, target: resources(0, 1536), holdNode: 0, held: resources(0, 1024) });
    expect(planDecision([g], offerSet([{ node: 1, resources: resources(0, 2048) }]), "exact")).toEqual([]);
  });

  it("launches on its hoard when what it holds plus the offer covers the need", () => {
    const g = view({ index: 0, allArrived: true, need: resources(0, 2000), holdNode: 1, held: resources(0, 1000) });
    expect(planDecision([g], offerSet([{ node: 1, resources: resources(0, 1500) }]), "exact")).toEqual([
      { kind: "launch", group: 0, node: 1, fromOffer: resources(0, 1000) },
    ]);
    expect(planDecision([{ ...g, held: resources(0, 2000) }], offerSet([]), "exact")).toEqual([{ kind: "launch", group: 0, node: 1, fromOffer: ZERO }]);
  });

  it("serves older groups first from the same offer", () => {
    const a = view({ index: 0, allArrived: true, need: resources(0, 1500), target: resources(0, 1500) });
    const b = view({ index: 1, allArrived: true, need: resources(0, 1500), target: resources(0, 1500) });
    expect(planDecision([a, b], offerSet([{ node: 0, resources: resources(0, 2000) }]), "exact").map((x) => x.group)).toEqual([0]);
  });
});

describe("allocator", () => {
  const harness = (shares: number[], nodes = 2) => allocatorHarness(shares, nodes, { sharesMove: true });

  it("offers the next node to the framework with the smaller dominant share", () => {
    const h = harness([0.5, 0.1], 1);
    h.allocator.schedule();
    h.sim.run(0);
    expect(h.got).toEqual([[1, [0]]]);
  });

  it("updates shares as it offers: equal frameworks alternate, ties to the lower id", () => {
    const h = harness([0, 0], 4);
    h.allocator.schedule();
    h.sim.run(0);
    expect(h.got).toEqual([
      [0, [0, 2]],
      [1, [1, 3]],
    ]);
  });

  it("does no rounds while nothing changed, and visits only changed nodes", () => {
    const h = harness([0, 0], 1000);
    h.allocator.schedule();
    h.sim.run(0);
    expect(h.got.flatMap(([, nodes]) => nodes)).toHaveLength(1000);
    h.sim.run(50);
    expect(logged({ result: { log: h.log } } as never, Ev.AllocRound)).toHaveLength(1);
    h.allocator.markChanged(7);
    h.sim.run(60);
    const rounds = logged({ result: { log: h.log } } as never, Ev.AllocRound);
    expect(rounds).toHaveLength(2);
    expect(rounds[1]!.t).toBe(50);
    expect(h.log.r0[h.log.length - 1]).toBe(1);
  });
});

describe("mesos at scale (hoarding-1k)", () => {
  it("keeps every node within capacity, gives every group exactly one outcome, and idles capacity by hoarding", () => {
    const ran = run(shipped("hoarding-1k"), "mesos", 1, { check: true });
    const r = ran.tables.run;
    expect(ran.tables.groups).toHaveLength(4000);
    for (const g of ran.tables.groups) expect(OUTCOMES).toContain(g.outcome);
    expect(OUTCOMES.reduce((acc, o) => acc + (r[o] as number), 0)).toBe(4000);
    expect(r.held_memory_s).toBeGreaterThan(0);
    expect(Math.max(...ran.tables.timeseries.map((t) => t.held_memory))).toBeGreaterThan(0);
  });

  it("reproduces byte-identical tables for the same seed", () => {
    const a = run(shipped("hoarding-1k"), "mesos", 2).tables;
    const b = run(shipped("hoarding-1k"), "mesos", 2).tables;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("costs no allocator work when no framework has pending work", () => {
    const s = inlineScenario({
      nodes: Array.from({ length: 10000 }, (_, i) => node(`n${i}`, 4096)),
      groups: [group("late", 1000, 5, [member(1000)])],
      horizon: 1100,
      strategies: { mesos: { frameworks: 1 } },
    });
    const ran = run(s, "mesos");
    const rounds = logged(ran, Ev.AllocRound);
    expect(rounds.every((x) => x.t >= 1000)).toBe(true);
    expect(ran.row("late").outcome).toBe("completed");
    // After the first round (all 10,000 nodes), rounds visit only nodes that changed or whose filter expired.
    expect(ran.tables.run.alloc_nodes_visited).toBeLessThan(10000 + 3 * ran.tables.run.declines + 10);
  });
});

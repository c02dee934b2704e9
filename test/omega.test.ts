import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ev } from "../sim/metrics/log.ts";
import { ClaimDelta, commitTransaction, oneNodeSync } from "../sim/model/claims.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { resources } from "../sim/model/resources.ts";
import type { RunInternals } from "../sim/runner.ts";
import { group, inlineScenario, member, node, run, shipped } from "./support/fixtures.ts";

describe("omega on seed-two-nodes-staggered", () => {
  it("places A on node A, rolls back once when B cannot join, and ends correct on node B", () => {
    const ran = run(shipped("seed-two-nodes-staggered", ["strategies.omega.placement=first-fit"]), "omega");
    const r = ran.row("app");
    expect(r).toMatchObject({ outcome: "completed", correct: true, nodes: "node-b", rollbacks: 1, conflicts: 0, attempts: 3 });
    // A: decided 0 -> 0.15 (tJob 0.1 + tTask 0.05), runs on node A from 0.15.
    // B arrives at 1; the attempt sees it cannot join node A and rolls back at 1.15.
    // Retry after 1 s: A + B decided 2.15 -> 2.35 on node B.
    expect(r.placed).toBeCloseTo(0.15, 12);
    expect(r.started).toBeCloseTo(2.35, 12);
    const aRanOnNodeA = 1.15 - 0.15;
    expect(r.wasted_memory_s).toBeCloseTo(1024 * aRanOnNodeA, 6);
    expect(r.split_s).toBeCloseTo(aRanOnNodeA, 6);
    expect(r.co_start_skew).toBe(0);
  });

  it("with all-or-nothing commit waits for B and places the whole group once, on node B", () => {
    const ran = run(shipped("seed-two-nodes-staggered", ["strategies.omega.placement=first-fit", "strategies.omega.commit=all-or-nothing"]), "omega");
    expect(ran.row("app")).toMatchObject({ outcome: "completed", nodes: "node-b", rollbacks: 0, split_s: 0, wasted_memory_s: 0 });
    expect(ran.row("app").started).toBeCloseTo(1 + 0.2, 12);
  });
});

describe("shared cell state (port of the Omega simulator's cell-state test)", () => {
  const cell = () => new Cluster([{ name: "m", capacity: resources(4000, 4000), labels: {} }]);

  it.each([
    ["sequence-numbers", false],
    ["resource-fit", true],
  ] as const)("two schedulers sync together and claim one node; under %s the second commit succeeds: %s", (conflict, second) => {
    const c = cell();
    const syncedA = new Map([[0, c.seq[0]!]]);
    const syncedB = new Map([[0, c.seq[0]!]]);
    const a = commitTransaction(c, [new ClaimDelta(0, resources(1000, 1000))], syncedA, conflict, "incremental");
    expect(a.committed).toHaveLength(1);
    const b = commitTransaction(c, [new ClaimDelta(0, resources(1000, 1000))], syncedB, conflict, "incremental");
    expect(b.committed.length === 1).toBe(second);
    expect(c.free(0)).toEqual(second ? resources(2000, 2000) : resources(3000, 3000));
  });

  it.each([
    ["a Map", () => new Map([[0, 0]])],
    ["oneNodeSync", () => oneNodeSync(0, 0)],
  ] as const)("does not count a transaction's own earlier claims on a node as a change (synced as %s)", (_, synced) => {
    const c = cell();
    const claims = [new ClaimDelta(0, resources(1000, 1000)), new ClaimDelta(0, resources(1000, 1000)), new ClaimDelta(0, resources(1000, 1000))];
    const result = commitTransaction(c, claims, synced(), "sequence-numbers", "all-or-nothing");
    expect(result.committed).toHaveLength(3);
    expect(c.free(0)).toEqual(resources(1000, 1000));
  });

  it("a claim moved by another transaction since sync conflicts, with the transaction's own claims counted apart", () => {
    const c = cell();
    const synced = oneNodeSync(0, c.claimSeq[0]!);
    // Another scheduler commits first.
    commitTransaction(c, [new ClaimDelta(0, resources(500, 500))], oneNodeSync(0, c.claimSeq[0]!), "sequence-numbers", "incremental");
    const claims = [new ClaimDelta(0, resources(1000, 1000)), new ClaimDelta(0, resources(1000, 1000))];
    const result = commitTransaction(c, claims, synced, "sequence-numbers", "incremental");
    expect(result.committed).toHaveLength(0);
    expect(result.failed).toHaveLength(2);
  });

  it("oneNodeSync knows only its node: a claim on another is refused loudly", () => {
    const c = new Cluster([
      { name: "a", capacity: resources(4000, 4000), labels: {} },
      { name: "b", capacity: resources(4000, 4000), labels: {} },
    ]);
    expect(() => commitTransaction(c, [new ClaimDelta(1, resources(1000, 1000))], oneNodeSync(0, 0), "sequence-numbers", "incremental")).toThrow(/node 1 was not synced/);
  });

  it("end to end: two schedulers that sync at the same instant on one node conflict only under sequence-numbers", () => {
    const scenario = (conflict: string) =>
      inlineScenario({
        nodes: [node("m", 4000)],
        groups: [group("a", 0, 50, [member(1000)], { scheduler: 0 }), group("b", 0, 50, [member(1000)], { scheduler: 1 })],
        strategies: { omega: { schedulers: 2, conflict, placement: "first-fit" } },
      });
    const seq = run(scenario("sequence-numbers"), "omega");
    expect(seq.row("a")).toMatchObject({ conflicts: 0, outcome: "completed" });
    expect(seq.row("b")).toMatchObject({ conflicts: 1, outcome: "completed", attempts: 2 });
    expect(seq.row("b").started).toBeCloseTo(0.15 + 1 + 0.15, 12);
    const fit = run(scenario("resource-fit"), "omega");
    expect(fit.row("b")).toMatchObject({ conflicts: 0, attempts: 1 });
    expect(fit.row("b").started).toBeCloseTo(0.15, 12);
    expect(fit.tables.run.conflict_fraction).toBe(0);
    expect(seq.tables.run.conflict_fraction).toBeCloseTo(1 / 2, 12);
  });
});

describe("claims: apply and revert", () => {
  const clusterArb = fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 8000 }), memory: fc.integer({ min: 0, max: 8000 }) }), { minLength: 1, maxLength: 6 });
  const claimArb = fc.record({ node: fc.nat(), cpu: fc.integer({ min: 0, max: 3000 }), memory: fc.integer({ min: 0, max: 3000 }) });

  it("restores free resources and sequence numbers exactly when an all-or-nothing transaction fails", () => {
    fc.assert(
      fc.property(clusterArb, fc.array(claimArb, { minLength: 1, maxLength: 12 }), fc.array(claimArb, { maxLength: 8 }), (caps, history, txn) => {
        const c = new Cluster(caps.map((cap, i) => ({ name: `n${i}`, capacity: resources(cap.cpu, cap.memory), labels: {} })));
        // Some prior history, so sequence numbers are not all zero.
        for (const h of history) {
          const n = h.node % c.size;
          if (c.fits(n, resources(h.cpu, h.memory))) new ClaimDelta(n, resources(h.cpu, h.memory)).apply(c);
        }
        const free = [...c.freeCpu, ...c.freeMemory, ...c.freeGpu];
        const seq = [...c.seq];
        const synced = new Map(Array.from({ length: c.size }, (_, n) => [n, c.seq[n]!] as [number, number]));
        // Force a failure at the end: a claim larger than any node.
        const claims = [...txn.map((t) => new ClaimDelta(t.node % c.size, resources(t.cpu, t.memory))), new ClaimDelta(0, resources(1e9, 0))];
        const result = commitTransaction(c, claims, synced, "resource-fit", "all-or-nothing");
        expect(result.committed).toHaveLength(0);
        expect([...c.freeCpu, ...c.freeMemory, ...c.freeGpu]).toEqual(free);
        expect([...c.seq]).toEqual(seq);
      }),
    );
  });

  it("reverting applied claims in reverse order restores the cell exactly", () => {
    fc.assert(
      fc.property(clusterArb, fc.array(claimArb, { minLength: 1, maxLength: 20 }), (caps, steps) => {
        const c = new Cluster(caps.map((cap, i) => ({ name: `n${i}`, capacity: resources(cap.cpu, cap.memory), labels: {} })));
        const free = [...c.freeCpu, ...c.freeMemory];
        const applied: ClaimDelta[] = [];
        for (const s of steps) {
          const claim = new ClaimDelta(s.node % c.size, resources(s.cpu, s.memory));
          if (c.fits(claim.node, claim.request)) {
            claim.apply(c);
            applied.push(claim);
          }
        }
        for (const claim of applied.reverse()) claim.revert(c);
        expect([...c.freeCpu, ...c.freeMemory]).toEqual(free);
        expect([...c.seq]).toEqual(new Array(c.size).fill(0));
      }),
    );
  });

  it("refuses to revert a claim on a node that changed since", () => {
    const c = new Cluster([{ name: "m", capacity: resources(10, 10), labels: {} }]);
    const a = new ClaimDelta(0, resources(1, 1));
    a.apply(c);
    new ClaimDelta(0, resources(1, 1)).apply(c);
    expect(() => a.revert(c)).toThrow(/changed since/);
  });
});

/** An observer that records whether any group ever ran some but not all of its members. */
function halfPlacedWatcher() {
  let cursor = 0;
  const seen = new Set<number>();
  const observe = (_now: number, internals: RunInternals) => {
    const { log, lifecycle, workload } = internals;
    for (; cursor < log.length; cursor++) {
      const k = log.kind[cursor];
      if (k !== Ev.TaskStart && k !== Ev.TaskKill && k !== Ev.TaskFinish) continue;
      const g = log.group[cursor]!;
      const running = lifecycle.runningMembers(g);
      if (running > 0 && running < workload.groups[g]!.members.length) seen.add(g);
    }
  };
  return { observe, seen };
}

describe("omega on omega-contention (scaled down)", () => {
  const small = ["cluster.count=400", "workload.groups=1600", "workload.rate=8", "horizon=600"];

  it("all-or-nothing never leaves a group half placed at any instant", () => {
    const watcher = halfPlacedWatcher();
    const ran = run(shipped("omega-contention", [...small, "strategies.omega.commit=all-or-nothing"]), "omega", 1, { observers: [watcher.observe] });
    expect(ran.tables.run.commits).toBeGreaterThan(500);
    expect(watcher.seen.size).toBe(0);
    expect(ran.tables.run.split_s).toBe(0);
    expect(ran.tables.groups.every((g) => g.co_start_skew === 0 || Number.isNaN(g.co_start_skew))).toBe(true);
  });

  it("incremental may, and co_start_skew and transient split time show it", () => {
    const watcher = halfPlacedWatcher();
    const ran = run(shipped("omega-contention", [...small, "strategies.omega.commit=incremental"]), "omega", 1, { observers: [watcher.observe] });
    expect(watcher.seen.size).toBeGreaterThan(0);
    expect(ran.tables.run.split_s).toBeGreaterThan(0);
    expect(ran.tables.groups.some((g) => g.co_start_skew > 0)).toBe(true);
  });

  it("is deterministic and never over capacity at full size", () => {
    const a = run(shipped("omega-contention"), "omega", 1, { check: true }).tables;
    expect(a.run.conflicts).toBeGreaterThan(0);
    expect(a.run.rollbacks).toBeGreaterThan(0);
    const b = run(shipped("omega-contention"), "omega", 1).tables;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("abandons a group after 100 attempts with nothing placed", () => {
    const s = inlineScenario({
      nodes: [node("m", 1000)],
      groups: [group("hog", 0, 1000, [member(1000)]), group("starved", 0, 5, [member(1000)])],
      horizon: 500,
      strategies: { omega: { schedulers: 1, placement: "first-fit" } },
    });
    const r = run(s, "omega").row("starved");
    expect(r).toMatchObject({ outcome: "abandoned", attempts: 101 });
  });
});

describe("conflict-fraction trends on omega-trend (5 seeds; the paper's section 5 directions)", () => {
  const fraction = (sets: string[]) => {
    let conflicts = 0;
    let commits = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = run(shipped("omega-trend", sets), "omega", seed).tables.run;
      conflicts += t.conflicts;
      commits += t.commits;
    }
    return conflicts / commits;
  };
  const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);

  it("does not fall as tJob grows (0.1, 1, 10 s)", () => {
    for (const conflict of ["resource-fit", "sequence-numbers"]) {
      const xs = [0.1, 1, 10].map((t) => fraction([`decision.tJob=${t}`, `strategies.omega.conflict=${conflict}`]));
      expect(nonDecreasing(xs), `${conflict}: ${xs}`).toBe(true);
      expect(xs[2]!).toBeGreaterThan(xs[0]!);
    }
  });

  it("does not fall as schedulers are added", () => {
    const xs = [1, 2, 4, 8].map((n) => fraction([`strategies.omega.schedulers=${n}`, "decision.tJob=1"]));
    expect(nonDecreasing(xs), String(xs)).toBe(true);
    expect(xs[0]).toBe(0);
  });

  it("gives more conflicts with sequence numbers than with resource fit", () => {
    for (const tJob of [0.1, 1, 10]) {
      const rf = fraction([`decision.tJob=${tJob}`, "strategies.omega.conflict=resource-fit"]);
      const sn = fraction([`decision.tJob=${tJob}`, "strategies.omega.conflict=sequence-numbers"]);
      expect(sn, `tJob ${tJob}`).toBeGreaterThan(rf);
    }
  });
});

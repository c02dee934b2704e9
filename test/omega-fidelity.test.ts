import { describe, expect, it } from "vitest";
import { RngStreams } from "../sim/engine/rng.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { resources } from "../sim/model/resources.ts";
import { makePlacer } from "../sim/strategies/omega/placement.ts";
import { group, inlineScenario, member, node, run } from "./support/fixtures.ts";

/**
 * omega against the Omega simulator (google/cluster-scheduler-simulator,
 * OmegaSimulation.scala and CoreClusterSimulation.scala at b882f26).
 * Decision time tJob 0.1 + tTask 0.05 per member to place.
 */
describe("omega transactions as the Omega simulator counts them", () => {
  it("counts an incremental transaction with one failed claim as a conflict, keeping the claim that fit", () => {
    // Node m: 4,000 MiB. a (scheduler 0, 3,000 MiB, runs 1 s) and b (scheduler 1, 2 x 1,000 MiB) sync at 0 on m.
    // a commits at 0.15 (0.1 + 0.05); b commits at 0.2 (0.1 + 2 x 0.05): its first claim fits the 1,000 MiB
    // left, its second does not. Incremental commit keeps the first (b's member 0 runs from 0.2) but the
    // transaction is conflicted (handleJob: any conflictedDeltas -> numFailedTransactions). b retries 1 s
    // later, at 1.2, for its second member: a ended at 1.15, so it fits; committed at 1.35 (0.1 + 0.05).
    // Successful transactions: a's and b's retry = 2; conflicted: 1; conflict fraction 1/2.
    const s = inlineScenario({
      nodes: [node("m", 4000)],
      groups: [group("a", 0, 1, [member(3000)], { scheduler: 0 }), group("b", 0, 10, [member(1000), member(1000)], { scheduler: 1 })],
      strategies: { omega: { schedulers: 2, placement: "first-fit" } },
    });
    const ran = run(s, "omega", 1, { check: true });
    expect(ran.row("b")).toMatchObject({ conflicts: 1, attempts: 2, rollbacks: 0, outcome: "completed" });
    expect(ran.row("b").placed).toBeCloseTo(0.2, 12);
    expect(ran.row("b").started).toBeCloseTo(1.35, 12);
    expect(ran.tables.run).toMatchObject({ conflicts: 1, commits: 2 });
    expect(ran.tables.run.conflict_fraction).toBeCloseTo(1 / 2, 12);
  });

  it.each([
    [false, 0, 0.35],
    [true, 1, 0.35 + 1 + 0.15],
  ])("with seqOnRelease %s, a task ending on the node during a decision gives %i conflicts under sequence numbers", (seqOnRelease, conflicts, started) => {
    // x (scheduler 0, 1,000 MiB, 0.1 s) runs on m from 0.15 to 0.25. y (scheduler 1) syncs at 0.2, while x
    // runs, and commits at 0.35. x's end at 0.25 frees resources: the simulator's sequence numbers move only
    // when a claim is applied (ClaimDelta.apply; unApply leaves them), so y's claim is valid; with
    // seqOnRelease the end moved m's number: y conflicts, retries 1 s later and commits 0.15 s after.
    const s = inlineScenario({
      nodes: [node("m", 4000)],
      groups: [group("x", 0, 0.1, [member(1000)], { scheduler: 0 }), group("y", 0.2, 10, [member(1000)], { scheduler: 1 })],
      strategies: { omega: { schedulers: 2, placement: "first-fit", conflict: "sequence-numbers", seqOnRelease } },
    });
    const ran = run(s, "omega", 1, { check: true });
    expect(ran.row("y").conflicts).toBe(conflicts);
    expect(ran.row("y").started).toBeCloseTo(started, 12);
  });

  it("still conflicts when another scheduler's claim landed on the node since sync", () => {
    const s = inlineScenario({
      nodes: [node("m", 4000)],
      groups: [group("a", 0, 50, [member(1000)], { scheduler: 0 }), group("b", 0, 50, [member(1000)], { scheduler: 1 })],
      strategies: { omega: { schedulers: 2, placement: "first-fit", conflict: "sequence-numbers" } },
    });
    expect(run(s, "omega").row("b").conflicts).toBe(1);
  });
});

describe("omega placement", () => {
  // Ten nodes; only nodes 0, 1 and 9 hold 1,000 MiB.
  const cell = () => new Cluster(Array.from({ length: 10 }, (_, i) => ({ name: `n${i}`, capacity: resources(4000, i === 0 || i === 1 || i === 9 ? 4000 : 500), labels: {} })));
  const shares = (placement: "random-first-fit" | "random-start-first-fit") => {
    const c = cell();
    const place = makePlacer(placement, c, new RngStreams(3).stream("omega/scheduler-0"));
    const counts = new Map<number, number>();
    const draws = 6000;
    for (let i = 0; i < draws; i++) {
      const n = place(resources(100, 1000));
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    return [0, 1, 9].map((n) => (counts.get(n) ?? 0) / draws);
  };

  it("random-first-fit picks uniformly among the nodes that fit (the simulator's random probe)", () => {
    for (const share of shares("random-first-fit")) expect(Math.abs(share - 1 / 3)).toBeLessThan(0.03);
  });

  it("random-start-first-fit favours the node after a run of full ones (start 2..9 all land on node 9)", () => {
    const [n0, n1, n9] = shares("random-start-first-fit");
    expect(Math.abs(n9! - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(n0! - 0.1)).toBeLessThan(0.03);
    expect(Math.abs(n1! - 0.1)).toBeLessThan(0.03);
  });

  it("random-first-fit returns -1 when nothing fits, and honours the selector mask", () => {
    const c = cell();
    const place = makePlacer("random-first-fit", c, new RngStreams(3).stream("x"));
    expect(place(resources(100, 5000))).toBe(-1);
    const mask = new Uint8Array(10);
    mask[1] = 1;
    for (let i = 0; i < 20; i++) expect(place(resources(100, 1000), mask)).toBe(1);
  });
});

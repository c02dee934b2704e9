import { describe, expect, it } from "vitest";
import { Ev } from "../sim/metrics/log.ts";
import { validateScenario, type Scenario } from "../sim/workload/scenario.ts";
import { group, member, node, run, type MemberInput, type NodeInput } from "./support/fixtures.ts";

/**
 * Groups that span nodes: gangs (minMember Pods at once) and jobs, under
 * every strategy. Each expected time is derived in the comments; decision
 * time is tJob 0.1 + tTask 0.05 per unit (a kube cycle: 0.15 s).
 */

/** A gang (or job) of Pods of one container of `memory` MiB each, the i-th Pod's container arriving `delays[i]` after submit. */
function gang(id: string, submit: number, duration: number, memory: number, delays: number[], extra: Record<string, unknown> = {}) {
  const pods = delays.map((delay) => ({ members: [member(memory, { delay })] as MemberInput[] }));
  return { id, submit, kind: "gang", duration, pods, ...extra };
}

function scenario(nodes: NodeInput[], groups: unknown[], strategies: Record<string, unknown> = {}, horizon = 100): Scenario {
  return validateScenario("<test>", {
    name: "gangs",
    horizon,
    sampleEvery: 1,
    decision: { tJob: 0.1, tTask: 0.05 },
    cluster: { type: "inline", nodes },
    workload: { type: "inline", groups },
    strategies,
  });
}

const threeNodes = [node("n0", 4000), node("n1", 4000), node("n2", 4000)];

describe("gangs under kube, plain and with Coscheduling", () => {
  // Two 4-Pod gangs of 2,000 MiB Pods on 3 nodes of 4,000 MiB (room for 6 Pods). Their Pods are created
  // interleaved: A's at 0, 0.1, 0.2, 0.3, B's at 0.05, 0.15, 0.25, 0.35.
  const interleaved = (strategies: Record<string, unknown> = {}) =>
    scenario(threeNodes, [gang("A", 0, 50, 2000, [0, 0.1, 0.2, 0.3]), gang("B", 0, 50, 2000, [0.05, 0.15, 0.25, 0.35])], strategies);

  it("plain kube runs both 4-Pod gangs in part, forever: their running Pods idle", () => {
    // One Pod per 0.15 s cycle in creation order: A0 bound at 0.15, B0 0.3, A1 0.45, B1 0.6, A2 0.75, B2 0.9;
    // A3 and B3 find no room (6 Pods fill the cluster) and nothing ever ends.
    const ran = run(interleaved(), "kube", 1, { check: true });
    for (const id of ["A", "B"]) {
      expect(ran.row(id).outcome).toBe("partial");
      expect(ran.row(id).gang_ok).toBe(false);
      expect(Number.isNaN(ran.row(id).started)).toBe(true);
    }
    // Partial resource-seconds to the horizon (100): A 2,000 x (99.85 + 99.25 + 98.25)... A's Pods up at 0.15, 0.45, 0.75.
    expect(ran.row("A").partial_memory_s).toBeCloseTo(2000 * (100 - 0.15 + (100 - 0.45) + (100 - 0.75)), 6);
    expect(ran.row("B").partial_memory_s).toBeCloseTo(2000 * (100 - 0.3 + (100 - 0.6) + (100 - 0.9)), 6);
    expect(ran.tables.run.partial).toBe(2);
  });

  it("Coscheduling with zero decision time livelocks (rejected Pods retry within one instant forever), and the run says so", () => {
    const zero = validateScenario("<test>", { ...interleaved().spec, decision: { tJob: 0, tTask: 0 } });
    expect(() => run(zero, "kube-coscheduling")).toThrow(/no progress in simulated time: over 1,000,000 events at t=0\.3/);
  });

  it("Coscheduling runs both gangs whole, one after the other, never in part", () => {
    const ran = run(interleaved(), "kube-coscheduling", 1, { check: true });
    for (const id of ["A", "B"]) {
      expect(ran.row(id).gang_ok).toBe(true);
      expect(ran.row(id).partial_memory_s).toBe(0);
      expect(ran.row(id).co_start_skew).toBe(0);
    }
    // A, the older PodGroup, goes first; B runs once A's Pods end.
    expect(ran.row("B").started).toBeGreaterThanOrEqual(ran.row("A").finished);
  });

  it("Coscheduling sorts a PodGroup's Pods together and binds them all at the last Permit", () => {
    // Pods created at submit: A's (at 0) before B's (at 0.01). A0 waits at Permit from 0.15, A1 0.3, A2 0.45;
    // A3's Permit at 0.6 reaches minMember 4: all four bind at 0.6 (skew 0). Plain kube binds them one by
    // one: A starts at 0.6 too, its first Pod idle since 0.15 (skew 0.45).
    const gangs = [gang("A", 0, 50, 2000, [0, 0, 0, 0]), gang("B", 0.01, 50, 2000, [0, 0, 0, 0])];
    const cos = run(scenario(threeNodes, gangs), "kube-coscheduling", 1, { check: true });
    expect(cos.row("A").started).toBeCloseTo(0.6, 12);
    expect(cos.row("A").co_start_skew).toBe(0);
    // A0 held 2,000 MiB from 0.15, A1 from 0.3, A2 from 0.45, all to 0.6.
    expect(cos.row("A").held_memory_s).toBeCloseTo(2000 * (0.45 + 0.3 + 0.15), 9);
    const plain = run(scenario(threeNodes, gangs), "kube", 1, { check: true });
    expect(plain.row("A").started).toBeCloseTo(0.6, 12);
    expect(plain.row("A").co_start_skew).toBeCloseTo(0.45, 12);
    expect(plain.row("A").partial_memory_s).toBeCloseTo(2000 * (0.45 + 0.3 + 0.15), 9);
  });

  it("Coscheduling: two gangs each waiting at Permit on one node, until the older wait times out", () => {
    // 2 nodes of 4,000 MiB; A (priority 0, at 0) and B (priority 10, at 0.1): 2 Pods of 3,000 MiB each.
    // podGroupRejectPercentage 50: a gang half placed is not rejected in PostFilter. Preemption off.
    // A0: cycle 0-0.15, waits at Permit on one node. B0 (higher priority): 0.15-0.3, waits on the other.
    // B1 (0.3-0.45) and A1 (0.45-0.6) find 1,000 MiB per node: each gang waits for the other.
    // At 60.15 A0's wait times out: A0 is rejected (its hold released, the unschedulable Pods moved).
    // B1's cycle 60.15-60.3 picks the freed node; at 60.3 B0's own wait times out first (releases run before
    // decisions), so B1 waits alone, and as the first of its gang to wait activates its sibling B0 (out of
    // backoff, ahead of A1 by priority): B0's cycle 60.3-60.45 completes B, which binds whole at 60.45.
    const nodes = [node("n0", 4000), node("n1", 4000)];
    const groups = [gang("A", 0, 50, 3000, [0, 0]), gang("B", 0.1, 50, 3000, [0, 0], { priority: 10 })];
    const ran = run(scenario(nodes, groups, { "kube-coscheduling": { preemption: false, coscheduling: { podGroupRejectPercentage: 50 } } }, 200), "kube-coscheduling", 1, { check: true });
    const timeouts = ran.result.log;
    const at: number[] = [];
    for (let i = 0; i < timeouts.length; i++) if (timeouts.kind[i] === Ev.PermitTimeout) at.push(timeouts.t[i]!);
    expect(at.map((t) => Math.round(t * 1000) / 1000)).toEqual([60.15, 60.3]);
    expect(ran.row("A").timeouts).toBe(1);
    expect(ran.row("B").timeouts).toBe(1);
    expect(ran.row("B").started).toBeCloseTo(60.45, 9);
    // A0 held 3,000 MiB from 0.15 to 60.15 (and, when A runs after B, its first Pod one cycle more: 0.15 s);
    // B0 from 0.3 to 60.3, then B1 from 60.3 to 60.45.
    expect(ran.row("A").held_memory_s).toBeCloseTo(3000 * (60 + 0.15), 6);
    expect(ran.row("B").held_memory_s).toBeCloseTo(3000 * (60 + 0.15), 6);
    // A runs whole once B's Pods end (60.45 + 50).
    expect(ran.row("A").gang_ok).toBe(true);
    expect(ran.row("A").started).toBeGreaterThanOrEqual(110.45);
  });
});

describe("gangs under mesos: hold-and-wait across nodes", () => {
  it("two gangs each holding room on one node deadlock across both nodes", () => {
    // 2 nodes of 4,000 MiB, gangs A and B of two 3,000 MiB Pods, one framework each. The round at 0 offers
    // n0 to A's framework and n1 to B's; each holds room for one Pod (decision 0.1 + 0.05 = 0.15) and
    // declines the rest. At 0.15 each needs 3,000 MiB more, and every node has 1,000 besides the other's
    // hold: the reduction removes neither. A deadlock of both, over both nodes, 6,000 MiB held.
    const nodes = [node("n0", 4000), node("n1", 4000)];
    const groups = [gang("A", 0, 50, 3000, [0, 0]), gang("B", 0, 50, 3000, [0, 0])];
    const ran = run(scenario(nodes, groups, { mesos: { frameworks: 2, offerOrder: "node" } }), "mesos", 1, { check: true });
    expect(ran.row("A").outcome).toBe("deadlocked");
    expect(ran.row("B").outcome).toBe("deadlocked");
    const d = ran.tables.deadlocks.filter((r) => r.kind === "deadlock");
    expect(d).toHaveLength(1);
    expect(d[0]!.time).toBeCloseTo(0.15, 12);
    expect(d[0]!.group_ids).toBe("A;B");
    expect(d[0]!.nodes).toBe("n0;n1");
    expect(d[0]!.held_memory).toBe(6000);
  });
});

describe("gangs under mesos: breaking the deadlock", () => {
  it("abort-youngest releases the younger gang's holds, and the older gang completes", () => {
    // As above, deadlocked at 0.15; B (the higher index of two submitted at once) is aborted: its hold on
    // n1 ends and it backs off (abortBackoff 10 s). n1 is offered again and A's framework takes room for
    // its second Pod: A launches whole.
    const nodes = [node("n0", 4000), node("n1", 4000)];
    const groups = [gang("A", 0, 50, 3000, [0, 0]), gang("B", 0, 50, 3000, [0, 0])];
    const ran = run(scenario(nodes, groups, { mesos: { frameworks: 2, offerOrder: "node", onDeadlock: "abort-youngest" } }, 200), "mesos", 1, { check: true });
    const d = ran.tables.deadlocks.filter((r) => r.kind === "deadlock");
    expect(d).toHaveLength(1);
    expect(d[0]!.resolution).toBe("aborted:B");
    expect(d[0]!.resolved_at).toBeCloseTo(0.15, 12);
    expect(ran.row("A").gang_ok).toBe(true);
    expect(ran.row("A").started).toBeLessThan(ran.row("B").started);
    expect(ran.row("B").gang_ok).toBe(true);
  });
});

describe("gangs under omega", () => {
  // Two schedulers, first-fit: X (one 3,000 MiB Pod, scheduler 0) and the gang G (two 3,000 MiB Pods,
  // scheduler 1) both sync at 0. X claims n0 at 0.15 (0.1 + 0.05). G planned n0 and n1 and commits at 0.2.
  const groups = [group("X", 0, 10, [member(3000)], { scheduler: 0 }), gang("G", 0, 50, 3000, [0, 0], { scheduler: 1 })];
  const nodes = [node("n0", 4000), node("n1", 4000)];

  it("all-or-nothing: one conflicting claim aborts the whole gang transaction", () => {
    // G's claim on n0 no longer fits at 0.2: the transaction is aborted, its n1 claim too. Retries every
    // 1.2 s (retryDelay 1 + decision 0.2) find room for one Pod only while X runs (to 10.15); the attempt
    // that starts at 10.8 places both: G starts at 11.0, whole.
    const ran = run(scenario(nodes, groups, { omega: { placement: "first-fit" } }), "omega", 1, { check: true });
    expect(ran.row("G").conflicts).toBe(1);
    expect(ran.row("G").placed).toBeCloseTo(11.0, 9);
    expect(ran.row("G").started).toBeCloseTo(11.0, 9);
    expect(ran.row("G").partial_memory_s).toBe(0);
  });

  it("incremental: the claim that fits is kept, and the gang runs in part until the rest fits", () => {
    // G keeps its n1 claim at 0.2 (a conflicted transaction all the same); its other Pod fits only after X ends.
    const ran = run(scenario(nodes, groups, { omega: { placement: "first-fit", gangCommit: "incremental" } }), "omega", 1, { check: true });
    expect(ran.row("G").conflicts).toBe(1);
    expect(ran.row("G").placed).toBeCloseTo(0.2, 9);
    expect(ran.row("G").partial_memory_s).toBeGreaterThan(3000 * 9.9);
    expect(ran.row("G").gang_ok).toBe(true);
  });
});

describe("gangs under kube behind Kueue", () => {
  it("readmits an evicted job with only its Pods that have not run their duration", () => {
    // One node of 4,000 MiB; F (3,600 MiB, 50 s) runs from 0.15. Job J (submitted at 1): J0 (400 MiB)
    // runs 1.15-3.15; J1 (500 MiB) fits only after F ends (50.15). waitForPodsReady.timeout 5 s, backoff
    // base 1 s: J is evicted at 6 (nothing running, nothing killed), readmitted with J1 alone, evicted
    // again while F runs, and J1 finally binds after 50.15. J0 runs once: found by test:long, where
    // readmission created J0 again ("already ran its duration").
    const job = { id: "J", submit: 1, kind: "job", duration: 2, pods: [{ members: [member(400)] }, { members: [member(500)] }] };
    const ran = run(scenario([node("n0", 4000)], [group("F", 0, 50, [member(3600)]), job], { "kube-kueue": { kueue: { quota: 2, waitForPodsReady: { timeout: 5, backoffBaseSeconds: 1 } } } }), "kube-kueue", 1, { check: true });
    const log = ran.result.log;
    const j = ran.result.workload.groups.find((g) => g.id === "J")!.index;
    let starts = 0;
    for (let i = 0; i < log.length; i++) if (log.kind[i] === Ev.TaskStart && log.group[i] === j) starts++;
    expect(starts).toBe(2);
    expect(ran.row("J").evictions).toBeGreaterThan(1);
    expect(ran.row("J").outcome).toBe("completed");
    expect(ran.row("J").started).toBeGreaterThan(50.15);
  });

  it("evicts a gang whose Pods are not all running within waitForPodsReady.timeout, and requeues it after backoff", () => {
    // 2 nodes of 4,000 MiB, quota 2 x the cluster. F (3,000 MiB, 500 s) is admitted and runs from 0.15.
    // J (2 Pods of 3,000) is admitted at 1: J0 binds at 1.15, J1 finds no room. At 301 (1 + 300) J is
    // evicted (J0 killed), requeued after 60 s: admitted at 361, J0 binds at 361.15; F ends at 500.15 and
    // J1 binds at 500.3: J is ready and starts.
    const nodes = [node("n0", 4000), node("n1", 4000)];
    const groups = [group("F", 0, 500, [member(3000)]), gang("J", 1, 50, 3000, [0, 0])];
    const ran = run(scenario(nodes, groups, { "kube-kueue": { kueue: { quota: 2 } } }, 700), "kube-kueue", 1, { check: true });
    const j = ran.row("J");
    expect(j.evictions).toBe(1);
    expect(j.admitted).toBeCloseTo(1, 12);
    expect(j.started).toBeCloseTo(500.3, 9);
    // J0's first run, killed at eviction, is wasted.
    expect(j.wasted_memory_s).toBeCloseTo(3000 * (301 - 1.15), 6);
    const log = ran.result.log;
    const evicted: [number, number][] = [];
    for (let i = 0; i < log.length; i++) if (log.kind[i] === Ev.Evicted) evicted.push([log.t[i]!, log.r0[i]!]);
    expect(evicted).toEqual([[301, 60]]);
  });
});

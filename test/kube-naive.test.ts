import { describe, expect, it } from "vitest";
import { Ev } from "../sim/metrics/log.ts";
import { backoffDuration } from "../sim/strategies/kube/queue.ts";
import { group, inlineScenario, member, node, run, shipped } from "./support/fixtures.ts";

// Decision time in the seed scenarios: tJob 0.1 + tTask 0.05 x 1 unit = 0.15 s per cycle.
const CYCLE = 0.15;

describe("seed-two-nodes: the seeds' co-scheduling example", () => {
  it("kube places the whole Pod on node B in one cycle", () => {
    const r = run(shipped("seed-two-nodes"), "kube").row("app");
    expect(r).toMatchObject({ nodes: "node-b", outcome: "completed", correct: true, attempts: 1 });
    expect(r.pod_created).toBe(0);
    expect(r.started).toBeCloseTo(CYCLE, 12);
    expect(r.latency).toBeCloseTo(CYCLE, 12);
    expect(r.finished).toBeCloseTo(CYCLE + 10, 12);
    expect(r.co_start_skew).toBe(0);
  });

  it("naive with LeastAllocated splits it: A on node B, then B on node A", () => {
    const ran = run(shipped("seed-two-nodes"), "naive");
    const r = ran.row("app");
    expect(r).toMatchObject({ nodes: "node-b;node-a", outcome: "split", correct: false, attempts: 2 });
    expect(r.placed).toBeCloseTo(CYCLE, 12);
    expect(r.latency).toBeCloseTo(2 * CYCLE, 12);
    expect(r.co_start_skew).toBeCloseTo(CYCLE, 12);
    // All of a split group's work is wasted: A (1024 MiB) ran 10.15 s, B (512 MiB) 10 s.
    expect(r.wasted_memory_s).toBeCloseTo(1024 * (10 + CYCLE) + 512 * 10, 6);
  });

  it("kube waits for the late member: the Pod exists only once B has arrived", () => {
    const r = run(shipped("seed-two-nodes-staggered"), "kube").row("app");
    expect(r).toMatchObject({ nodes: "node-b", outcome: "completed", correct: true });
    expect(r.pod_created).toBe(1);
    expect(r.latency).toBeCloseTo(1 + CYCLE, 12);
  });

  it("naive places A at once and B when it arrives", () => {
    const r = run(shipped("seed-two-nodes-staggered"), "naive").row("app");
    expect(r).toMatchObject({ nodes: "node-b;node-a", outcome: "split", correct: false });
    expect(r.placed).toBeCloseTo(CYCLE, 12);
    expect(r.latency).toBeCloseTo(1 + CYCLE, 12);
    expect(r.co_start_skew).toBeCloseTo(1, 12);
  });
});

describe("kube scheduling queue", () => {
  it("schedules one Pod per cycle, highest priority first, then by creation time", () => {
    const s = inlineScenario({
      nodes: [node("n", 10000)],
      groups: [
        group("low-early", 0, 5, [member(100)]),
        group("high", 0, 5, [member(100)], { priority: 10 }),
        group("low-late", 0, 5, [member(100)]),
      ],
    });
    const ran = run(s, "kube");
    expect(ran.row("high").started).toBeCloseTo(CYCLE, 12);
    expect(ran.row("low-early").started).toBeCloseTo(2 * CYCLE, 12);
    expect(ran.row("low-late").started).toBeCloseTo(3 * CYCLE, 12);
  });

  it("retries an unschedulable Pod when resources are released, after its backoff", () => {
    const s = inlineScenario({
      nodes: [node("n", 1000)],
      groups: [group("first", 0, 5, [member(800)]), group("second", 0, 5, [member(800)])],
    });
    const ran = run(s, "kube");
    const first = ran.row("first");
    const second = ran.row("second");
    expect(first.started).toBeCloseTo(CYCLE, 12);
    // second fails at 0.30 (backoff 1 s, until 1.30); first finishes at 5.15 and frees the node,
    // which moves second back to the active queue; it binds one cycle later.
    expect(first.finished).toBeCloseTo(5 + CYCLE, 12);
    expect(second.started).toBeCloseTo(5 + 2 * CYCLE, 12);
    expect(second.attempts).toBe(2);
    expect(second.outcome).toBe("completed");
  });

  // waiting's cycle (0.15-0.30) sees no event, so it fails into the unschedulable Pods, timestamp 0.30,
  // backoff 1 s. short frees the node at 0.35: the deletion of an assigned Pod moves waiting out; still
  // backing off, it goes to backoffQ.
  // - popFromBackoffQ (v1.33+): activeQ is empty, so backoffQ's head is popped at once: bound at 0.35 + 0.15.
  // - without it (v1.32): backoff ends at 1.30 and backoffQ is flushed on whole-second ticks: at 2.0, bound at 2.15.
  it.each([
    [true, 0.35 + CYCLE],
    [false, 2 + CYCLE],
  ])("retries a released Pod still backing off (popFromBackoffQ %s): started at %f", (popFromBackoffQ, started) => {
    const s = inlineScenario({
      nodes: [node("n", 1000)],
      groups: [group("short", 0, 0.2, [member(800)]), group("waiting", 0, 5, [member(800)])],
      strategies: { kube: { popFromBackoffQ } },
    });
    expect(run(s, "kube").row("waiting").started).toBeCloseTo(started, 12);
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 8],
    [5, 10],
    [9, 10],
  ])("backs off after failure %i for %i s", (attempts, seconds) => {
    expect(backoffDuration(attempts, 1, 10)).toBe(seconds);
  });

  it("retries a Pod nothing frees room for after podMaxInUnschedulablePodsDuration (300 s)", () => {
    const s = inlineScenario({
      nodes: [node("n", 1000)],
      groups: [group("hog", 0, 1000, [member(800)]), group("starved", 0, 5, [member(800)])],
      horizon: 2000,
    });
    const ran = run(s, "kube");
    const log = ran.result.log;
    const attempts: number[] = [];
    for (let i = 0; i < log.length; i++) if (log.kind[i] === Ev.Attempt && log.group[i] === 1) attempts.push(log.t[i]!);
    // starved fails at 0.30 (timestamp 0.30). The unschedulable Pods are flushed on a 30 s tick once
    // unschedulable for more than 300 s: at 330 (329.7 s), its cycle fails at 330.15 (timestamp refreshed),
    // then at 660 and at 990. hog's deletion at 1000.15 moves it to activeQ (backoff long over): bound at 1000.30.
    expect(attempts.slice(0, 4).map((t) => Math.round(t * 100) / 100)).toEqual([0.3, 330.15, 660.15, 990.15]);
    expect(ran.row("starved").started).toBeCloseTo(1000 + CYCLE + CYCLE, 9);
  });

  it.each(["kube", "naive"])("%s marks a group with a container larger than every node unschedulable, and the run goes on", (strategy) => {
    const s = inlineScenario({
      nodes: [node("small", 1000), node("large", 2000)],
      groups: [group("too-big", 0, 5, [member(2500)]), group("fine", 0, 5, [member(1500)])],
    });
    const ran = run(s, strategy);
    expect(ran.row("too-big")).toMatchObject({ outcome: "unschedulable", correct: false, attempts: 0 });
    expect(ran.row("fine")).toMatchObject({ outcome: "completed", correct: true, nodes: "large" });
  });

  it("kube finds a Pod that fits no node unschedulable even when each container would fit alone; naive splits it", () => {
    const s = inlineScenario({
      nodes: [node("small", 1000), node("large", 2000)],
      groups: [group("g", 0, 5, [member(1500), member(1000)])],
    });
    expect(run(s, "kube").row("g").outcome).toBe("unschedulable");
    expect(run(s, "naive").row("g")).toMatchObject({ outcome: "split", nodes: "large;small" });
  });

  it("naive marks a group unschedulable when any one container fits no node", () => {
    const s = inlineScenario({
      nodes: [node("n", 1000)],
      groups: [group("g", 0, 5, [member(500), member(5000)])],
    });
    expect(run(s, "naive").row("g").outcome).toBe("unschedulable");
  });

  it("naive keeps a colocate group correct when every container lands on one node", () => {
    const s = inlineScenario({ nodes: [node("only", 4000)], groups: [group("g", 0, 5, [member(1000), member(1000)])] });
    expect(run(s, "naive").row("g")).toMatchObject({ outcome: "completed", correct: true, nodes: "only" });
  });

  it("counts a group still running at the horizon as running", () => {
    const s = inlineScenario({ nodes: [node("n", 4000)], groups: [group("g", 0, 500, [member(1000)])], horizon: 100 });
    expect(run(s, "kube").row("g")).toMatchObject({ outcome: "running", correct: true });
  });

  it("counts a group never placed by the horizon as pending", () => {
    const s = inlineScenario({
      nodes: [node("n", 1000)],
      groups: [group("hog", 0, 500, [member(1000)]), group("g", 0, 5, [member(1000)])],
      horizon: 100,
    });
    const r = run(s, "kube").row("g");
    expect(r).toMatchObject({ outcome: "pending", correct: false });
    expect(r.latency).toBeNaN();
  });
});

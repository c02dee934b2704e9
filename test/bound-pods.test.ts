import { describe, expect, it } from "vitest";
import type { Group } from "../sim/model/group.ts";
import { BoundPods, preemptionPossible } from "../sim/strategies/kube/bound-pods.ts";
import type { Pod } from "../sim/strategies/kube/pod.ts";
import { scanPod } from "./support/fixtures.ts";

/** A Pod of priority `priority` bound on `node`. */
function boundPod(priority: number, node: number): Pod {
  const pod = scanPod({ cpu: 100, memory: 100, gpu: 0 });
  return { ...pod, group: { ...pod.group, priority }, node, state: "bound" };
}

const withPriorities = (...priorities: number[]): Group[] => priorities.map((priority) => boundPod(priority, 0).group);

describe("whether a Pod can ever preempt another", () => {
  it.each([
    { preemption: true, priorities: [0, 0, 0], possible: false, why: "one priority: no Pod has a lower-priority victim" },
    { preemption: true, priorities: [0, 10, 0], possible: true, why: "two priorities" },
    { preemption: false, priorities: [0, 10], possible: false, why: "preemption is off" },
    { preemption: true, priorities: [], possible: false, why: "no groups" },
  ])("$why: $possible", ({ preemption, priorities, possible }) => {
    expect(preemptionPossible(preemption, withPriorities(...priorities))).toBe(possible);
  });
});

describe("the bound Pods preemption reads", () => {
  it("lists each node's Pods in bind order and drops a removed one", () => {
    const bound = new BoundPods(2);
    const [a, b, c] = [boundPod(5, 1), boundPod(1, 0), boundPod(5, 1)];
    for (const p of [a!, b!, c!]) bound.add(p);
    expect(bound.on(1)).toEqual([a, c]);
    bound.remove(a!);
    expect(bound.on(1)).toEqual([c]);
    expect(bound.on(0)).toEqual([b]);
  });

  it.each([
    { bound: [5, 1], below: 5, any: true },
    { bound: [5, 1], below: 1, any: false },
    { bound: [5], below: 6, any: true },
    { bound: [], below: 100, any: false },
  ])("with priorities $bound bound, some below $below: $any", ({ bound: priorities, below, any }) => {
    const bound = new BoundPods(1);
    for (const p of priorities) bound.add(boundPod(p, 0));
    expect(bound.anyBelow(below)).toBe(any);
  });

  it("forgets a priority once its last Pod is removed", () => {
    const bound = new BoundPods(1);
    const low = boundPod(1, 0);
    bound.add(low);
    bound.add(boundPod(9, 0));
    expect(bound.anyBelow(5)).toBe(true);
    bound.remove(low);
    expect(bound.anyBelow(5)).toBe(false);
  });
});

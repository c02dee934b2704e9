import { describe, expect, it } from "vitest";
import { NodeArena } from "../sim/model/node-arena.ts";
import { NonZeroExtras } from "../sim/strategies/kube/non-zero-extras.ts";

describe("NonZeroExtras: how far bound Pods' non-zero requests exceed their requests", () => {
  it.each([
    { what: "nothing bound", adds: [], nodes: 0, cpu: [0, 0, 0] },
    { what: "a Pod asking no cpu", adds: [[1, 100, 0]], nodes: 1, cpu: [0, 100, 0] },
    { what: "a Pod asking no memory", adds: [[2, 0, 200]], nodes: 1, cpu: [0, 0, 0] },
    { what: "two such Pods on one node", adds: [[0, 100, 0], [0, 100, 200]], nodes: 1, cpu: [200, 0, 0] },
    { what: "such Pods on two nodes, one gone again", adds: [[0, 100, 0], [2, 100, 0], [0, -100, 0]], nodes: 1, cpu: [0, 0, 100] },
    { what: "every such Pod gone", adds: [[0, 100, 200], [1, 100, 0], [1, -100, 0], [0, -100, -200]], nodes: 0, cpu: [0, 0, 0] },
    { what: "Pods asking both (no extra)", adds: [[0, 0, 0], [1, 0, 0]], nodes: 0, cpu: [0, 0, 0] },
  ])("counts the nodes with an extra: $what", ({ adds, nodes, cpu }) => {
    const extras = new NonZeroExtras(new NodeArena(3));
    for (const [node, c, m] of adds as [number, number, number][]) extras.add(node, c, m);
    expect(extras.nodes()).toBe(nodes);
    expect([...extras.cpu]).toEqual(cpu);
  });
});

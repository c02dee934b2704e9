import { describe, expect, it } from "vitest";
import { NodeArena } from "../sim/model/node-arena.ts";
import { NonZeroExtras } from "../sim/strategies/kube/non-zero-extras.ts";
import fc from "fast-check";
import { DEFAULT_MEMORY_REQUEST_MIB as MEM, DEFAULT_MILLI_CPU_REQUEST as CPU, containerNonZeroRequest, membersNonZeroRequest } from "../sim/strategies/kube/profile.ts";
import { storeGroups } from "../sim/model/group-store.ts";
import { listedRequest, memberRequest, type Group, type Member } from "../sim/model/group.ts";
import { add, resources } from "../sim/model/resources.ts";

/** A colocate group of these containers: [cpu, memory, init?]. */
function groupOf(containers: readonly (readonly [number, number, boolean?])[]): Group {
  const members: Member[] = containers.map(([cpu, memory, init], j) => ({ name: `c${j}`, request: resources(cpu, memory, 0), delay: 0, init: init === true }));
  return { index: 0, id: "g", submit: 0, kind: "colocate", duration: 1, priority: 0, members };
}

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

describe("membersNonZeroRequest: kube's NonZeroRequest of a range of members", () => {
  const overhead = resources(250, 64, 0);
  it.each([
    { what: "containers asking cpu and memory: their sums", containers: [[500, 256], [250, 128]], cpu: 750, memory: 384 },
    { what: "a container asking no cpu counts the default", containers: [[0, 256], [250, 128]], cpu: CPU + 250, memory: 384 },
    { what: "a container asking no memory counts the default", containers: [[500, 0], [250, 128]], cpu: 750, memory: MEM + 128 },
    { what: "an init container larger than the apps: its request", containers: [[4000, 64, true], [500, 256]], cpu: 4000, memory: 256 },
    { what: "an init container asking nothing: the defaults, below the apps", containers: [[0, 0, true], [500, 256]], cpu: 500, memory: 256 },
    { what: "only init containers: the largest", containers: [[300, 0, true], [100, 50, true]], cpu: 300, memory: MEM },
  ] as const)("$what", ({ containers, cpu, memory }) => {
    const g = groupOf(containers);
    for (const group of [g, storeGroups([g])[0]!]) {
      expect(membersNonZeroRequest(group, 0, containers.length, overhead)).toEqual({ cpu: cpu + 250, memory: memory + 64, gpu: 0 });
    }
  });

  it("counts an init container alone (naive's lone containers) as its own request, the defaults where it asks nothing", () => {
    const g = groupOf([[100, 50], [0, 0, true], [300, 0, true]]);
    expect(membersNonZeroRequest(g, 1, 2, overhead)).toEqual({ cpu: CPU + 250, memory: MEM + 64, gpu: 0 });
    expect(membersNonZeroRequest(g, 2, 3, overhead)).toEqual({ cpu: 300 + 250, memory: MEM + 64, gpu: 0 });
  });
});

describe("a lone container as a Pod of its own (naive): add and containerNonZeroRequest", () => {
  it("gives the requests of the general functions for that one member, init container or not, asking nothing or something", () => {
    const amount = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64_000 }), fc.double({ min: 0.001, max: 1e6, noNaN: true }));
    const container = fc.tuple(amount, amount, fc.boolean());
    fc.assert(
      fc.property(fc.array(container, { minLength: 1, maxLength: 5 }), fc.nat(), amount, amount, amount, (containers, pick, oc, om, og) => {
        const overhead = resources(oc, om, og);
        const j = pick % containers.length;
        const g = groupOf(containers);
        for (const group of [g, storeGroups([g])[0]!]) {
          const r = memberRequest(group, j);
          expect(add(r, overhead)).toEqual(listedRequest(group, [j], overhead));
          expect(containerNonZeroRequest(r, overhead)).toEqual(membersNonZeroRequest(group, j, j + 1, overhead));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

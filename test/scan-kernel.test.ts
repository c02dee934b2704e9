import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernelModule, KERNELS } from "../bin/build-wasm.js";
import { scanPod } from "./support/fixtures.ts";
import { RngStreams } from "../sim/engine/index.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { NodeArena } from "../sim/model/node-arena.ts";
import { resources, type Resources } from "../sim/model/resources.ts";
import type { Pod } from "../sim/strategies/kube/pod.ts";
import { NodeScan } from "../sim/strategies/kube/node-scan.ts";
import type { ScanKernel, ScanLoop } from "../sim/strategies/kube/scan-kernel.ts";
import { compileProfile, DEFAULT_PROFILE, profileSchema, type Profile } from "../sim/strategies/kube/profile.ts";

const PROFILES: Record<string, Profile> = {
  default: DEFAULT_PROFILE,
  mostAllocated: profileSchema.parse({ plugins: { NodeResourcesFit: { scoringStrategy: { type: "MostAllocated" } }, NodeResourcesBalancedAllocation: {} } }),
  // 2 + 1: a total weight that is no power of two (divided, not multiplied by its reciprocal).
  weighted: profileSchema.parse({ plugins: { NodeResourcesFit: { weight: 3, scoringStrategy: { resources: [{ name: "cpu", weight: 2 }, { name: "memory", weight: 1 }] } }, NodeResourcesBalancedAllocation: { weight: 2 } } }),
  cpuOnly: profileSchema.parse({ plugins: { NodeResourcesFit: { scoringStrategy: { resources: [{ name: "cpu", weight: 1 }] } }, NodeResourcesBalancedAllocation: { resources: [{ name: "memory", weight: 1 }] } } }),
  fitOnly: profileSchema.parse({ plugins: { NodeResourcesFit: {} } }),
  balancedOnly: profileSchema.parse({ plugins: { NodeResourcesBalancedAllocation: {} } }),
};

interface NodeShape {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

/** A scan over the given nodes, its per-node arrays in the cluster's arena (as kube's scheduler allocates them). */
function twin(shapes: readonly NodeShape[], profile: Profile, useKernel: boolean, want: number, loop: ScanLoop = "auto") {
  const cluster = new Cluster(shapes.map((s, i) => ({ name: `n${i}`, capacity: resources(s.cpu, s.memory), pods: s.pods, labels: {} })));
  const podCount = cluster.arena.u32();
  const nonZeroExtraCpu = cluster.arena.f64();
  const nonZeroExtraMemory = cluster.arena.f64();
  // The nodes with a non-zero extra, counted from the arrays themselves (the scheduler keeps a running count).
  const extraNodes = (): number => nonZeroExtraCpu.reduce((k, c, i) => k + (c !== 0 || nonZeroExtraMemory[i] !== 0 ? 1 : 0), 0);
  const nodes = { cluster, podCount, nonZeroExtraCpu, nonZeroExtraMemory, extraNodes, nominatedOn: new Map<number, unknown>(), nominatedUse: () => 0 };
  const tieBreak = new RngStreams(11).stream("kube/tie-break");
  const scan = new NodeScan(nodes, compileProfile(profile, nodes), want, tieBreak, useKernel);
  const kernel = (scan as unknown as { kernel: ScanKernel | undefined }).kernel;
  if (kernel !== undefined) kernel.loop = loop;
  const bound: { node: number; pod: Pod }[] = [];
  return {
    cluster,
    scan,
    tieBreak,
    bind(pod: Pod, node: number) {
      cluster.allocate(node, pod.request);
      podCount[node]!++;
      nonZeroExtraCpu[node]! += pod.nonZero.cpu - pod.request.cpu;
      nonZeroExtraMemory[node]! += pod.nonZero.memory - pod.request.memory;
      bound.push({ node, pod });
    },
    unbind(k: number) {
      const entry = bound.splice(k % bound.length, 1)[0];
      if (entry === undefined) return;
      const { node, pod } = entry;
      cluster.release(node, pod.request);
      podCount[node]!--;
      nonZeroExtraCpu[node]! -= pod.nonZero.cpu - pod.request.cpu;
      nonZeroExtraMemory[node]! -= pod.nonZero.memory - pod.request.memory;
      scan.podLeft(node);
    },
  };
}

/** A Pod asking `request`, counted for scoring as `nonZero` (kube's defaults for a container asking no cpu or memory). */
function podOf(request: Resources, nonZero: Resources): Pod {
  return { ...scanPod(request), nonZero };
}

type Step = { kind: "pod"; cpu: number; memory: number; extraCpu: number; extraMemory: number } | { kind: "leave"; which: number } | { kind: "down"; node: number } | { kind: "up"; node: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("pod" as const), cpu: fc.constantFrom(0, 500, 1000, 2000, 4000, 7000, 16000), memory: fc.constantFrom(0, 512, 1024, 4096, 16384, 65536), extraCpu: fc.constantFrom(0, 0, 100), extraMemory: fc.constantFrom(0, 0, 200) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("leave" as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("down" as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("up" as const), node: fc.nat() }) },
);

// Few capacities, so that many nodes score alike (ties, and groups of ties a higher score ends); zero
// capacities and a Pod limit of 1 among them.
const node: fc.Arbitrary<NodeShape> = fc.record({ cpu: fc.constantFrom(0, 8000, 16000, 32000), memory: fc.constantFrom(0, 32768, 65536), pods: fc.constantFrom(1, 3, 110) });

describe("kube's scan kernel (WebAssembly)", () => {
  it("is committed as the compile of its text (npm run build:wasm)", async () => {
    for (const kernel of KERNELS) expect(readFileSync(new URL(`../${kernel.out}`, import.meta.url), "utf8")).toBe(await kernelModule(kernel));
  });

  it("is used for the usual Pod when the scan's arrays are in the cluster's arena, and not otherwise", () => {
    const shapes = Array.from({ length: 8 }, () => ({ cpu: 8000, memory: 32768, pods: 110 }));
    const inArena = twin(shapes, DEFAULT_PROFILE, true, 8);
    expect((inArena.scan as unknown as { kernel: unknown }).kernel).toBeDefined();
    const cluster = new Cluster(shapes.map((s, i) => ({ name: `n${i}`, capacity: resources(s.cpu, s.memory), pods: s.pods, labels: {} })));
    const plain = { cluster, podCount: new Uint32Array(8), nonZeroExtraCpu: new Float64Array(8), nonZeroExtraMemory: new Float64Array(8), extraNodes: () => 0, nominatedOn: new Map<number, unknown>(), nominatedUse: () => 0 };
    const outside = new NodeScan(plain, compileProfile(DEFAULT_PROFILE, plain), 8, new RngStreams(1).stream("t"));
    expect((outside as unknown as { kernel: unknown }).kernel).toBeUndefined();
    expect(outside.select(scanPod(resources(1000, 1024)))).toBeGreaterThanOrEqual(0);
  });

  // Node by node, in blocks scored two at a time (64 nodes each, up to 150 nodes here), or as the
  // last scan's share of fitting nodes says.
  it.each(["nodes", "blocks", "auto"] as const)("chooses what the JavaScript scan chooses, examines as many nodes and makes the same tie draws (loop: %s)", (loop) => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 150 }), fc.constantFrom(...Object.keys(PROFILES)), fc.integer({ min: 1, max: 160 }), fc.array(step, { maxLength: 120 }), (shapes, profileName, want, steps) => {
        const profile = PROFILES[profileName]!;
        const twins = [twin(shapes, profile, true, want, loop), twin(shapes, profile, false, want)] as const;
        const n = shapes.length;
        for (const s of steps) {
          if (s.kind === "pod") {
            const request = resources(s.cpu, s.memory);
            const nonZero = resources(s.cpu + s.extraCpu, s.memory + s.extraMemory);
            const chosen = twins.map((t) => t.scan.select(podOf(request, nonZero)));
            expect(chosen[0]).toBe(chosen[1]);
            expect(twins[0].scan.lastExamined).toBe(twins[1].scan.lastExamined);
            if (chosen[0]! >= 0) for (const t of twins) t.bind(podOf(request, nonZero), chosen[0]!);
          } else if (s.kind === "leave") for (const t of twins) t.unbind(s.which);
          else if (s.kind === "down") {
            if (twins[0].cluster.up[s.node % n] === 1) for (const t of twins) t.cluster.down(s.node % n);
          } else if (twins[0].cluster.up[s.node % n] === 0) for (const t of twins) t.cluster.recover(s.node % n);
          expect(twins[0].tieBreak.next()).toBe(twins[1].tieBreak.next());
        }
      }),
      { numRuns: 300 },
    );
  });

  // In blocks where every node has cpu and memory, the walk is made by bits (scan-blocks.wat): the
  // feasible nodes listed and counted, and only those at least the best so far compared. Few
  // capacities, so that best scores tie within and across blocks; a Pod limit of 1 and large Pods, so
  // that nodes stop fitting, scans of every node are recorded and later Pods look only at those listed.
  it("walks blocks by their bits as the JavaScript scan walks node by node (loop: blocks)", () => {
    const full: fc.Arbitrary<NodeShape> = fc.record({ cpu: fc.constantFrom(8000, 16000, 32000), memory: fc.constantFrom(32768, 65536), pods: fc.constantFrom(1, 110, 110) });
    fc.assert(
      fc.property(fc.array(full, { minLength: 64, maxLength: 200 }), fc.integer({ min: 1, max: 220 }), fc.array(step, { maxLength: 80 }), (shapes, want, steps) => {
        const twins = [twin(shapes, DEFAULT_PROFILE, true, want, "blocks"), twin(shapes, DEFAULT_PROFILE, false, want)] as const;
        for (const s of steps) {
          if (s.kind !== "pod") {
            if (s.kind === "leave") for (const t of twins) t.unbind(s.which);
            continue;
          }
          const request = resources(Math.max(1, s.cpu), s.memory);
          const nonZero = resources(Math.max(1, s.cpu) + s.extraCpu, s.memory + s.extraMemory);
          const chosen = twins.map((t) => t.scan.select(podOf(request, nonZero)));
          expect(chosen[0]).toBe(chosen[1]);
          expect(twins[0].scan.lastExamined).toBe(twins[1].scan.lastExamined);
          expect(twins[0].tieBreak.next()).toBe(twins[1].tieBreak.next());
          if (chosen[0]! >= 0) for (const t of twins) t.bind(podOf(request, nonZero), chosen[0]!);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    // 200 nodes alike: every one ties with the best, in every block; the draws are made among all 200.
    { what: "equal best scores in every block", shapes: Array.from({ length: 200 }, () => ({ cpu: 16000, memory: 65536, pods: 110 })), want: 200, examined: 200 },
    // Nodes 60-63 hold a Pod each and fit no more: the 60th feasible node is node 59, the last examined.
    { what: "want reached before a block's last nodes, which do not fit", shapes: Array.from({ length: 128 }, (_, i) => ({ cpu: 16000, memory: 65536, pods: i >= 60 && i < 64 ? 1 : 110 })), want: 60, examined: 60, full: [60, 61, 62, 63] },
    // Nodes 3 and 70 are full: every node examined, 128 found, as many as a record lists. The next Pods
    // (asking as much) look only at the nodes the scan listed in `fitted`.
    { what: "a scan of every node that finds as many as a record lists", shapes: Array.from({ length: 130 }, (_, i) => ({ cpu: 16000 + 1000 * (i % 7), memory: 65536, pods: i === 3 || i === 70 ? 1 : 110 })), want: 200, examined: 130, full: [3, 70] },
  ])("in blocks, walks $what as the JavaScript scan does", ({ shapes, want, examined, full }) => {
    const twins = [twin(shapes, DEFAULT_PROFILE, true, want, "blocks"), twin(shapes, DEFAULT_PROFILE, false, want)] as const;
    for (const t of twins) for (const node of full ?? []) t.bind(scanPod(resources(100, 128)), node);
    for (let pod = 0; pod < 3; pod++) {
      const chosen = twins.map((t) => t.scan.select(scanPod(resources(1000, 4096))));
      expect(chosen[0]).toBe(chosen[1]);
      if (pod === 0) expect(twins.map((t) => t.scan.lastExamined)).toEqual([examined, examined]);
      expect(twins[0].tieBreak.next()).toBe(twins[1].tieBreak.next());
      for (const t of twins) t.bind(scanPod(resources(1000, 4096)), chosen[0]!);
    }
  });

  // A read the kernel skips when it can: skipped wrongly, it would change the answer.
  it.each([
    {
      what: "a node's non-zero extras (a bound Pod asking no cpu counts as kube's default 100m)",
      // Node 0 holds a Pod asking (0, 100), counted as (100, 100); node 1 one asking (50, 100). Scored by
      // their non-zero requests node 1 wins (179 to 175); without node 0's extra 100m, node 0 would (180).
      shapes: [{ cpu: 1000, memory: 1000, pods: 110 }, { cpu: 1000, memory: 1000, pods: 110 }],
      bound: [{ node: 0, request: resources(0, 100), nonZero: resources(100, 100) }, { node: 1, request: resources(50, 100), nonZero: resources(50, 100) }],
      pod: resources(100, 100),
      chosen: 1,
    },
  ])("reads $what as the JavaScript scan does", ({ shapes, bound, pod, chosen }) => {
    const twins = [twin(shapes, DEFAULT_PROFILE, true, shapes.length), twin(shapes, DEFAULT_PROFILE, false, shapes.length)];
    for (const t of twins) for (const b of bound) t.bind(podOf(b.request, b.nonZero), b.node);
    expect(twins.map((t) => t.scan.select(scanPod(pod)))).toEqual([chosen, chosen]);
  });

  it("draws among the final group of equal best scores after the draws of the groups a higher score ended", () => {
    // Nodes 0-2 score alike; node 3 is emptier and ends their group; nodes 4-6 tie with node 3.
    const shapes = Array.from({ length: 7 }, () => ({ cpu: 16000, memory: 65536, pods: 110 }));
    const [withKernel, plain] = [twin(shapes, DEFAULT_PROFILE, true, 7), twin(shapes, DEFAULT_PROFILE, false, 7)];
    for (const t of [withKernel, plain]) for (const busy of [0, 1, 2]) t.cluster.allocate(busy, resources(8000, 32768));
    const chosen = [withKernel, plain].map((t) => t.scan.select(scanPod(resources(1000, 4096))));
    expect(chosen[0]).toBe(chosen[1]);
    expect(chosen[0]).toBeGreaterThanOrEqual(3);
    expect(withKernel.tieBreak.next()).toBe(plain.tieBreak.next());
  });
});

describe("the node arena", () => {
  it("lays out arrays apart in its memory, and gives plain arrays once full", () => {
    const arena = new NodeArena(4);
    const views = Array.from({ length: NodeArena.SLOTS }, () => arena.f64());
    expect(views.every((v) => arena.holds(v) && v.length === 4)).toBe(true);
    views[0]!.fill(1);
    expect(views[1]!.every((x) => x === 0)).toBe(true);
    expect(arena.holds(arena.i32(NodeArena.EXTRA_BYTES / 4))).toBe(true);
    const outside = arena.u32();
    expect(arena.holds(outside)).toBe(false);
    expect([outside.length, ...outside]).toEqual([4, 0, 0, 0, 0]);
  });

  it("leaves a scheduler whose arrays no longer fit in the arena to the JavaScript scan, choosing alike", () => {
    // 2,000 nodes: the cluster's arrays and twelve schedulers' fill most of the arena; the later ones scan in JavaScript.
    const shapes = Array.from({ length: 2000 }, (_, i) => ({ cpu: 8000 + 1000 * (i % 3), memory: 32768, pods: 110 }));
    const cluster = new Cluster(shapes.map((s, i) => ({ name: `n${i}`, capacity: resources(s.cpu, s.memory), pods: s.pods, labels: {} })));
    const scans = Array.from({ length: 16 }, () => {
      const nodes = { cluster, podCount: cluster.arena.u32(), nonZeroExtraCpu: cluster.arena.f64(), nonZeroExtraMemory: cluster.arena.f64(), extraNodes: () => 0, nominatedOn: new Map<number, unknown>(), nominatedUse: () => 0 };
      return new NodeScan(nodes, compileProfile(DEFAULT_PROFILE, nodes), 100, new RngStreams(5).stream("t"));
    });
    const kernels = scans.map((s) => (s as unknown as { kernel: unknown }).kernel !== undefined);
    expect(kernels[0]).toBe(true);
    expect(kernels.at(-1)).toBe(false);
    const chosen = scans.map((s) => s.select(scanPod(resources(1000, 1024))));
    expect(new Set(chosen).size).toBe(1);
  });
});

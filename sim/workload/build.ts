import { resolve } from "node:path";
import type { RngStreams } from "../engine/index.ts";
import type { NodeSpec } from "../model/cluster.ts";
import type { Group, Member } from "../model/group.ts";
import { sample } from "./distributions.ts";
import { readOpenbNodes, readOpenbPods } from "./openb.ts";
import type { ClusterSpec, ScenarioSpec, WorkloadSpec } from "./schema.ts";

/** Nodes and groups of one run: the same for every strategy under one seed. */
export interface Workload {
  readonly nodes: readonly NodeSpec[];
  /** Ordered by submit time; `groups[i].index === i`. */
  readonly groups: readonly Group[];
}

/** Builds nodes and groups; trace paths are resolved against `baseDir` (the scenario file's folder). */
export function buildWorkload(spec: ScenarioSpec, rng: RngStreams, baseDir = "."): Workload {
  return { nodes: buildNodes(spec.cluster, rng, baseDir), groups: buildGroups(spec.workload, rng, baseDir) };
}

function pad(i: number, count: number): string {
  return String(i).padStart(String(Math.max(0, count - 1)).length, "0");
}

export function buildNodes(spec: ClusterSpec, streams: RngStreams, baseDir = "."): NodeSpec[] {
  if (spec.type === "inline") return spec.nodes.map((n) => ({ name: n.name, capacity: n.capacity, labels: n.labels }));
  if (spec.type === "openb") return readOpenbNodes(resolve(baseDir, spec.nodes));
  const rng = streams.stream("cluster");
  const h = spec.heterogeneity;
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < spec.count; i++) {
    const k = h === 0 ? 1 : rng.uniform(1 - h, 1 + h);
    const c = spec.capacity;
    nodes.push({
      name: `${spec.namePrefix}${pad(i, spec.count)}`,
      capacity: { cpu: Math.round(c.cpu * k), memory: Math.round(c.memory * k), gpu: Math.round(c.gpu * k) },
      labels: {},
    });
  }
  return nodes;
}

export function buildGroups(spec: WorkloadSpec, streams: RngStreams, baseDir = "."): Group[] {
  if (spec.type === "openb") return readOpenbPods(resolve(baseDir, spec.pods), spec.split, streams, spec.limit);
  if (spec.type === "inline") {
    const order = spec.groups.map((g, i) => ({ g, i })).sort((a, b) => a.g.submit - b.g.submit || a.i - b.i);
    return order.map(({ g }, index) => ({
      index,
      id: g.id,
      submit: g.submit,
      kind: g.kind,
      duration: g.duration,
      priority: g.priority,
      members: g.members.map((m, j) => ({ name: m.name ?? `c${j}`, request: m.request, delay: m.delay, init: m.init })),
      ...(g.framework !== undefined ? { framework: g.framework } : {}),
      ...(g.scheduler !== undefined ? { scheduler: g.scheduler } : {}),
    }));
  }
  const rng = streams.stream("workload");
  const groups: Group[] = [];
  let t = spec.start;
  for (let index = 0; index < spec.groups; index++) {
    t += rng.exponential(1 / spec.rate);
    const count = spec.members.min + rng.int(spec.members.max - spec.members.min + 1);
    const members: Member[] = [];
    for (let j = 0; j < count; j++) {
      members.push({
        name: `c${j}`,
        request: {
          cpu: Math.round(sample(spec.request.cpu, rng)),
          memory: Math.round(sample(spec.request.memory, rng)),
          gpu: Math.round(sample(spec.request.gpu, rng)),
        },
        delay: j === 0 ? 0 : sample(spec.delay, rng),
        init: false,
      });
    }
    groups.push({
      index,
      id: `g${pad(index, spec.groups)}`,
      submit: t,
      kind: "colocate",
      duration: sample(spec.duration, rng),
      priority: Math.round(sample(spec.priority, rng)),
      members,
    });
  }
  return groups;
}

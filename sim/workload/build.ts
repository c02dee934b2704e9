import { resolve } from "node:path";
import type { NodeSpec } from "../model/cluster.ts";
import { copyGroup, type Group, type Member, type SchedulerClass } from "../model/group.ts";
import { GroupStore, StoredGroup, storeGroups } from "../model/group-store.ts";
import { arrivalTimes } from "./arrivals.ts";
import { InputError } from "./errors.ts";
import { readCsvRows } from "./csv-rows.ts";
import { sample, type Dist } from "./distributions.ts";
import { readAlibabaTasks } from "./alibaba2018.ts";
import { readGoogleMachines, readGoogleTaskEvents } from "./google2011.ts";
import { readOpenbNodes, readOpenbPods } from "./openb.ts";
import { RngStreams as Streams } from "../engine/index.ts";
import { MAX_PODS, type ClusterSpec, type ScenarioSpec, type SourceSpec, type WorkloadSpec } from "./schema.ts";

type InlineGroupSpec = Extract<SourceSpec, { type: "inline" }>["groups"][number];
type InlineMemberSpec = NonNullable<InlineGroupSpec["members"]>[number];

/** Nodes and groups of one run: the same for every strategy under one seed. */
export interface Workload {
  readonly nodes: readonly NodeSpec[];
  /** Ordered by submit time; `groups[i].index === i`. */
  readonly groups: readonly Group[];
  /** The scheduler classes; a group's `cls` indexes them. One ("default") unless the workload has classes. */
  readonly classes: readonly SchedulerClass[];
}

/** Builds nodes and groups; trace paths are resolved against `baseDir` (the scenario file's folder). */
export function buildWorkload(spec: ScenarioSpec, rng: Streams, baseDir = "."): Workload {
  const groups = buildGroups(spec.workload, rng, baseDir);
  const listed = spec.placeOnce === undefined ? groups : placedOnce(groups, spec.placeOnce.gap);
  return { nodes: buildNodes(spec.cluster, rng, baseDir), groups: compact(listed), classes: schedulerClasses(spec) };
}

/** The groups with their members held in columns (generated groups already are, unless a later step copied them). */
function compact(groups: Group[]): Group[] {
  return groups.every((g) => g instanceof StoredGroup) ? groups : storeGroups(groups);
}

/** placeOnce: the groups in workload order, one every `gap` seconds, never ending. */
function placedOnce(groups: readonly Group[], gap: number): Group[] {
  return groups.map((g, i) => copyGroup(g, { submit: i * gap, duration: Infinity }));
}

/** The scenario's scheduler classes, each with its decision time (the scenario's unless the class sets one). */
export function schedulerClasses(spec: ScenarioSpec): SchedulerClass[] {
  const w = spec.workload;
  if (w.type !== "classes") return [{ name: "default", decision: spec.decision }];
  return w.classes.map((c) => ({ name: c.name, decision: c.decision ?? spec.decision }));
}

function pad(i: number, count: number): string {
  return String(i).padStart(String(Math.max(0, count - 1)).length, "0");
}

export function buildNodes(spec: ClusterSpec, streams: Streams, baseDir = "."): NodeSpec[] {
  if (spec.type === "inline") return spec.nodes.map((n) => ({ name: n.name, capacity: { cpu: n.capacity.cpu, memory: n.capacity.memory, gpu: n.capacity.gpu }, pods: n.capacity.pods, labels: n.labels }));
  if (spec.type === "openb") return readOpenbNodes(resolve(baseDir, spec.nodes));
  if (spec.type === "google2011") return readGoogleMachines(resolve(baseDir, spec.machines), spec.capacity);
  const rng = streams.stream("cluster");
  const pools =
    spec.type === "pools"
      ? spec.pools.map((p) => ({ prefix: `${p.name}-`, count: p.count, capacity: p.capacity, heterogeneity: p.heterogeneity, labels: p.labels }))
      : [{ prefix: spec.namePrefix, count: spec.count, capacity: spec.capacity, heterogeneity: spec.heterogeneity, labels: {} }];
  const nodes: NodeSpec[] = [];
  for (const pool of pools) {
    const h = pool.heterogeneity;
    const c = pool.capacity;
    for (let i = 0; i < pool.count; i++) {
      const k = h === 0 ? 1 : rng.uniform(1 - h, 1 + h);
      nodes.push({
        name: `${pool.prefix}${pad(i, pool.count)}`,
        // GPUs are whole devices of 1000 milli-GPU.
        capacity: { cpu: Math.round(c.cpu * k), memory: Math.round(c.memory * k), gpu: Math.round((c.gpu * k) / 1000) * 1000 },
        pods: c.pods,
        labels: pool.labels,
      });
    }
  }
  return nodes;
}

/** Reads the samples of an empirical distribution given by file (a CSV with a `value` column). */
function loadDist(dist: Dist, baseDir: string): Dist {
  if (typeof dist === "number" || dist.dist !== "empirical" || dist.file === undefined) return dist;
  const file = resolve(baseDir, dist.file);
  const values: number[] = [];
  for (const row of readCsvRows(file, ["value"])) {
    const x = Number(row.text(0));
    if (row.text(0).trim() === "" || !Number.isFinite(x)) row.fail(0, `expected a number, got "${row.text(0)}"`);
    values.push(x);
  }
  if (values.length === 0) throw new InputError(`${file}: no values (expected a CSV with a value column)`);
  return { dist: "empirical", values };
}

export function buildGroups(spec: WorkloadSpec, streams: Streams, baseDir = "."): Group[] {
  if (spec.type !== "classes") return buildSource(spec, streams, baseDir);
  // Each class draws from its own streams, so adding a class leaves the others' groups as they were.
  // Groups keep their class's order; across classes they go by submit time, then class.
  const tagged = spec.classes.flatMap((c, cls) =>
    buildSource(c.workload, new Streams(`${streams.seed}/class/${c.name}`), baseDir).map((g) => ({ g, cls, id: `${c.name}/${g.id}` })),
  );
  tagged.sort((a, b) => a.g.submit - b.g.submit || a.cls - b.cls || a.g.index - b.g.index);
  return tagged.map(({ g, cls, id }, index) => copyGroup(g, { index, id, cls }));
}

/** The Pods of a trace, with arrival gaps divided by `timeScale` (from the first arrival; durations kept). */
function compressed(groups: Group[], timeScale: number): Group[] {
  if (timeScale === 1 || groups.length === 0) return groups;
  const first = groups[0]!.submit;
  return groups.map((g) => copyGroup(g, { submit: first + (g.submit - first) / timeScale }));
}

function buildSource(spec: SourceSpec, streams: Streams, baseDir: string): Group[] {
  if (spec.type === "openb") return compressed(readOpenbPods(resolve(baseDir, spec.pods), spec.split, streams, spec.limit, spec.qos), spec.timeScale);
  if (spec.type === "google2011") return compressed(readGoogleTaskEvents(resolve(baseDir, spec.taskEvents), spec.capacity, spec.limit, spec.groupAs), spec.timeScale);
  if (spec.type === "alibaba2018") return compressed(readAlibabaTasks(resolve(baseDir, spec.tasks), spec.machine, spec.limit, spec.groupAs), spec.timeScale);
  if (spec.type === "inline") {
    const order = spec.groups.map((g, i) => ({ g, i })).sort((a, b) => a.g.submit - b.g.submit || a.i - b.i);
    return order.map(({ g }, index) => ({
      index,
      id: g.id,
      submit: g.submit,
      kind: g.kind,
      duration: g.duration,
      priority: g.priority,
      ...inlineMembers(g),
      ...(g.framework !== undefined ? { framework: g.framework } : {}),
      ...(g.scheduler !== undefined ? { scheduler: g.scheduler } : {}),
      ...(g.restart === "controller" ? { restart: "controller" as const } : {}),
    }));
  }
  const rng = streams.stream("workload");
  // Members straight into columns: as objects, 300,000 groups' would hold ~0.4 KB per group for the whole run.
  const store = new GroupStore();
  const groups: Group[] = [];
  // `rate` (Poisson) draws its gaps from the workload stream itself; other
  // processes come from their own stream.
  const times = spec.arrival === undefined ? undefined : arrivalTimes(spec.arrival, spec.groups, spec.start, streams.stream("workload/arrivals"));
  let t = spec.start;
  const cpu = loadDist(spec.request.cpu, baseDir);
  const memory = loadDist(spec.request.memory, baseDir);
  const gpu = loadDist(spec.request.gpu, baseDir);
  const durationDist = loadDist(spec.duration, baseDir);
  const delayDist = loadDist(spec.delay, baseDir);
  const podsDist = spec.pods === undefined ? undefined : loadDist(spec.pods, baseDir);
  const podDelayDist = loadDist(spec.podDelay, baseDir);
  const template = { cpu: new Float64Array(spec.members.max), memory: new Float64Array(spec.members.max), gpu: new Float64Array(spec.members.max), delay: new Float64Array(spec.members.max) };
  const restart = spec.restart === "controller" ? ("controller" as const) : undefined;
  for (let index = 0; index < spec.groups; index++) {
    t = times === undefined ? t + rng.exponential(1 / spec.rate!) : times[index]!;
    const podsWanted = podsDist === undefined ? 0 : Math.min(MAX_PODS, Math.max(1, Math.round(sample(podsDist, rng))));
    const count = spec.members.min + rng.int(spec.members.max - spec.members.min + 1);
    // The Pod template's containers, drawn in member order (cpu, memory, gpu, then delay after the first).
    for (let j = 0; j < count; j++) {
      template.cpu[j] = Math.round(sample(cpu, rng));
      template.memory[j] = Math.round(sample(memory, rng));
      template.gpu[j] = Math.round(sample(gpu, rng));
      template.delay[j] = j === 0 ? 0 : sample(delayDist, rng);
    }
    // colocate: one Pod of the template; gang and job: `podsWanted` copies, each after the first shifted by a podDelay draw.
    const pods = spec.kind === "colocate" ? undefined : new Uint32Array(podsWanted + 1);
    for (let p = 0; p < (pods === undefined ? 1 : podsWanted); p++) {
      if (pods !== undefined) pods[p] = p * count;
      const shift = p === 0 ? 0 : sample(podDelayDist, rng);
      for (let j = 0; j < count; j++) {
        store.pushMember(containerName(j), template.cpu[j]!, template.memory[j]!, template.gpu[j]!, shift === 0 ? template.delay[j]! : template.delay[j]! + shift, false);
      }
    }
    if (pods !== undefined) pods[podsWanted] = podsWanted * count;
    const id = `g${pad(index, spec.groups)}`;
    store.close(index, id);
    const duration = sample(durationDist, rng);
    const priority = Math.round(sample(spec.priority, rng));
    // One literal of one shape (no spreads): 100,000 groups are built in a few hundred ms.
    groups.push(
      new StoredGroup(store, {
        index,
        id,
        submit: t,
        kind: spec.kind,
        duration,
        priority,
        pods,
        minMember: spec.kind === "gang" ? Math.max(1, Math.ceil(spec.minMemberFraction * podsWanted - 1e-9)) : undefined,
        restart,
        framework: undefined,
        scheduler: undefined,
        selector: undefined,
        cls: undefined,
      }),
    );
  }
  store.trim();
  return groups;
}

/** Generated containers are named c0, c1, ...: one string per name, shared by every group. */
const CONTAINER_NAMES: string[] = [];
function containerName(j: number): string {
  return (CONTAINER_NAMES[j] ??= `c${j}`);
}

/** An inline group's members, and for a gang or job its Pod layout and minMember. */
function inlineMembers(g: InlineGroupSpec): { members: Member[]; pods?: Uint32Array; minMember?: number } {
  const member = (m: InlineMemberSpec, j: number): Member => ({ name: m.name ?? `c${j}`, request: m.request, delay: m.delay, init: m.init });
  if (g.pods === undefined) return { members: (g.members ?? []).map(member) };
  const members: Member[] = [];
  const offsets: number[] = [];
  for (const spec of g.pods) {
    for (let k = 0; k < spec.count; k++) {
      offsets.push(members.length);
      spec.members.forEach((m, j) => members.push(member(m, j)));
    }
  }
  offsets.push(members.length);
  return { members, pods: Uint32Array.from(offsets), ...(g.minMember !== undefined ? { minMember: g.minMember } : {}) };
}

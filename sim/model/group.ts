import { ZERO, add, max, type Resources } from "./resources.ts";

/**
 * colocate: one Pod (its containers on one node). gang: several Pods on any
 * nodes, `minMember` of which must run at once. job: several Pods placed and
 * run independently.
 */
export type GroupKind = "colocate" | "gang" | "job";
export const GROUP_KINDS = ["colocate", "gang", "job"] as const;

/** A node constraint: the node's label `key` must be one of `values` (e.g. a GPU model). */
export interface Selector {
  readonly key: string;
  readonly values: readonly string[];
}

/** Omega paper decision-time model: t_decision = tJob + tTask x units placed. */
export interface DecisionTime {
  readonly tJob: number;
  readonly tTask: number;
}

/** A scheduler class (the Omega paper's batch or service): its name and its schedulers' decision time. */
export interface SchedulerClass {
  readonly name: string;
  readonly decision: DecisionTime;
}

/** A container of a group. */
export interface Member {
  readonly name: string;
  readonly request: Resources;
  /** Seconds after the group's submit time when a container-level scheduler learns of it. */
  readonly delay: number;
  /** An init container runs before the app containers (Kubernetes semantics). */
  readonly init: boolean;
}

/** One application: containers that must run together. */
export interface Group {
  /** Position in the workload, 0-based; strategies and metrics index by it. */
  readonly index: number;
  readonly id: string;
  readonly submit: number;
  readonly kind: GroupKind;
  /** Seconds the group runs once all its members run. */
  readonly duration: number;
  /** Higher runs first (Kubernetes Pod priority). */
  readonly priority: number;
  readonly members: readonly Member[];
  /** Mesos: the framework that owns the group (else round-robin by index). */
  readonly framework?: number;
  /** Omega: the scheduler that owns the group (else round-robin by index). */
  readonly scheduler?: number;
  /** Nodes the group may run on; every strategy honours it. */
  readonly selector?: Selector;
  /** "controller": when a node failure loses the group, a replacement is submitted. */
  readonly restart?: "controller";
  /** The scheduler class the group belongs to (an index into the workload's classes; absent: 0, the only one). */
  readonly cls?: number;
  /**
   * gang and job: where each Pod's members begin, then members.length (so
   * Pod p holds members pods[p] .. pods[p+1]-1). Absent: one Pod of every member.
   */
  readonly pods?: Uint32Array;
  /** gang: Pods that must run at the same time (absent: every Pod). */
  readonly minMember?: number;
  /**
   * The group has run: memory it keeps for its members may go (a group of a
   * compact workload, sim/model/group-store.ts, builds them again if asked).
   */
  forgetMembers?(): void;
  /** Another run of the same workload begins: members are kept again once built (undoes forgetMembers). */
  resetMembers?(): void;
  /**
   * A group of a compact workload (sim/model/group-store.ts) answers these
   * from its columns without building `members`; read them through
   * memberCount, memberRequest, memberDelay and memberInit below.
   */
  readonly memberCount?: number;
  memberRequest?(j: number): Resources;
  memberDelay?(j: number): number;
  memberInit?(j: number): boolean;
}

/** The group's number of members. */
export function memberCount(g: Group): number {
  return g.memberCount ?? g.members.length;
}

/** Member j's request (a fresh object for a stored group). */
export function memberRequest(g: Group, j: number): Resources {
  return g.memberRequest !== undefined ? g.memberRequest(j) : g.members[j]!.request;
}

/** Member j's delay after the group's submit. */
export function memberDelay(g: Group, j: number): number {
  return g.memberDelay !== undefined ? g.memberDelay(j) : g.members[j]!.delay;
}

/** Whether member j is an init container. */
export function memberInit(g: Group, j: number): boolean {
  return g.memberInit !== undefined ? g.memberInit(j) : g.members[j]!.init;
}

/** A copy of the group as a plain object, with `changes` applied (fields the group lacks stay absent). */
export function copyGroup(g: Group, changes: Partial<Omit<Group, "forgetMembers" | "resetMembers">> = {}): Group {
  return {
    index: g.index,
    id: g.id,
    submit: g.submit,
    kind: g.kind,
    duration: g.duration,
    priority: g.priority,
    members: g.members,
    ...(g.framework !== undefined ? { framework: g.framework } : {}),
    ...(g.scheduler !== undefined ? { scheduler: g.scheduler } : {}),
    ...(g.selector !== undefined ? { selector: g.selector } : {}),
    ...(g.restart !== undefined ? { restart: g.restart } : {}),
    ...(g.cls !== undefined ? { cls: g.cls } : {}),
    ...(g.pods !== undefined ? { pods: g.pods } : {}),
    ...(g.minMember !== undefined ? { minMember: g.minMember } : {}),
    ...changes,
  };
}

/** Pods in the group (1 for colocate). */
export function podCount(group: Group): number {
  return group.pods === undefined ? 1 : group.pods.length - 1;
}

/** The first member of Pod `p`. */
export function podFirst(group: Group, p: number): number {
  return group.pods === undefined ? 0 : group.pods[p]!;
}

/** One past the last member of Pod `p`. */
export function podEnd(group: Group, p: number): number {
  return group.pods === undefined ? memberCount(group) : group.pods[p + 1]!;
}

/** The Pod that holds member `m` (binary search over the Pod offsets). */
export function podOf(group: Group, m: number): number {
  const pods = group.pods;
  if (pods === undefined) return 0;
  let lo = 0;
  let hi = pods.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pods[mid]! <= m) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Pods that must run at once before the group's duration starts: minMember for a gang, else every Pod. */
export function quorum(group: Group): number {
  return group.kind === "gang" ? (group.minMember ?? podCount(group)) : podCount(group);
}

/** The request Kubernetes accounts for Pod `p` of the group (effectiveRequest of its containers). */
export function podRequest(group: Group, p: number, overhead: Resources = ZERO): Resources {
  return rangeRequest(group, podFirst(group, p), podEnd(group, p), overhead);
}

/** effectiveRequest of the members listed (indices, in the list's order), read one by one. */
export function listedRequest(group: Group, members: readonly number[], overhead: Resources = ZERO): Resources {
  return rangeRequest(group, 0, members.length, overhead, members);
}

/**
 * effectiveRequest of members from..to-1 in order (or of list[from..to-1]),
 * read one by one without building the members: the same sums and maxima as
 * effectiveRequest's, in scalars (mesos asks it of a group at every arrival).
 */
function rangeRequest(group: Group, from: number, to: number, overhead: Resources, list?: readonly number[]): Resources {
  let appCpu = 0;
  let appMemory = 0;
  let appGpu = 0;
  let initCpu = 0;
  let initMemory = 0;
  let initGpu = 0;
  for (let k = from; k < to; k++) {
    const j = list === undefined ? k : list[k]!;
    const r = memberRequest(group, j);
    if (memberInit(group, j)) {
      initCpu = Math.max(initCpu, r.cpu);
      initMemory = Math.max(initMemory, r.memory);
      initGpu = Math.max(initGpu, r.gpu);
    } else {
      appCpu += r.cpu;
      appMemory += r.memory;
      appGpu += r.gpu;
    }
  }
  return { cpu: Math.max(appCpu, initCpu) + overhead.cpu, memory: Math.max(appMemory, initMemory) + overhead.memory, gpu: Math.max(appGpu, initGpu) + overhead.gpu };
}

/**
 * The request Kubernetes accounts for a Pod made of `members`:
 * max(sum of app containers, largest init container) + podOverhead.
 */
export function effectiveRequest(members: readonly Member[], overhead: Resources = ZERO): Resources {
  let apps = ZERO;
  let init = ZERO;
  for (const m of members) {
    if (m.init) init = max(init, m.request);
    else apps = add(apps, m.request);
  }
  return add(max(apps, init), overhead);
}

/** The latest member delay: a Pod exists only once its whole spec exists. */
export function lastArrivalDelay(group: Group): number {
  let d = 0;
  for (const m of group.members) d = Math.max(d, m.delay);
  return d;
}

import { ZERO, add, max, type Resources } from "./resources.ts";

export type GroupKind = "colocate";

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

import type * as z from "zod";
import type { RngStreams, Simulator } from "../engine/index.ts";
import type { EventLog } from "../metrics/log.ts";
import type { Cluster } from "../model/cluster.ts";
import type { DecisionTime, Group, SchedulerClass } from "../model/group.ts";
import type { Lifecycle } from "../model/lifecycle.ts";
import type { Resources } from "../model/resources.ts";
import { InputError } from "../workload/errors.ts";

export type { DecisionTime, SchedulerClass };

export function decisionSeconds(d: DecisionTime, units: number): number {
  return d.tJob + d.tTask * units;
}

/** Everything a strategy may use. It never sees CSV or the runner. */
export interface StrategyContext {
  readonly sim: Simulator;
  readonly cluster: Cluster;
  readonly groups: readonly Group[];
  readonly lifecycle: Lifecycle;
  readonly log: EventLog;
  readonly rng: RngStreams;
  /** The scenario's decision time; a group's own is its class's: `decisionOf(ctx, group)`. */
  readonly decision: DecisionTime;
  /** The scheduler classes (one unless the workload has classes). */
  readonly classes: readonly SchedulerClass[];
  readonly podOverhead: Resources;
  /**
   * The strategy deleted the group's Pods (preemption): the strategy is told
   * (onLost) so it forgets the group, its pending member arrivals are
   * dropped, and a controller replaces it (`restart: "controller"`) after
   * controllerDelay, as for a lost group.
   */
  evicted(group: Group): void;
}

/**
 * The narrow interface every strategy implements. The runner calls these from
 * events; a strategy answers by scheduling its own events (decisions, offer
 * rounds, commits) and by starting or killing tasks through the lifecycle.
 */
export interface Strategy {
  /**
   * True when the strategy never runs part of a group: all members start in
   * one step and stop together. The validating observer holds it to that.
   */
  readonly wholeGroups: boolean;
  /**
   * Seconds from a node failure until the strategy learns that the Pods
   * there are gone (kube: nodeMonitorGracePeriod + tolerationSeconds; mesos:
   * the agent-removal timeout). Until then it is not told (onLost), and no
   * controller replaces them. Absent: at once.
   */
  readonly failureDetection?: number;
  /**
   * Resources taken from `node` for offers not yet answered (mesos), which
   * neither run nor are held. The validating observer counts them; absent
   * means none.
   */
  offeredOn?(node: number): Resources;
  /** The group is submitted (at its submit time). */
  onSubmit(group: Group): void;
  /** A member's spec becomes known (at submit + delay). Called after onSubmit. */
  onMemberArrival(group: Group, member: number): void;
  /**
   * Resources were released on `node`: by `group` (it finished or was killed;
   * `pod`: only that Pod of a job, which ran its duration), or, without a
   * group, because the node recovered from a failure.
   */
  onFreed(node: number, group?: Group, pod?: number): void;
  /**
   * `node` failed. Its tasks are already lost (see onLost); a strategy drops
   * whatever else it keeps there (holds, offers).
   */
  onNodeDown(node: number): void;
  /**
   * The group lost its tasks to a node failure. The strategy forgets it
   * entirely: a controller may submit it again (onSubmit and member arrivals
   * as for a new group).
   */
  onLost(group: Group): void;
}

/** A strategy as the registry knows it: id, parameters schema, factory. */
export interface StrategyDefinition<P> {
  readonly id: string;
  /** A variant of another strategy (kube-coscheduling of kube): runnable by id, but not part of "all". */
  readonly variantOf?: string;
  readonly summary: string;
  /** Validates the scenario's `strategies.<id>` object and fills defaults. */
  readonly params: z.ZodType<P>;
  create(ctx: StrategyContext, params: P): Strategy;
}

/**
 * The scheduler instance (mesos framework, omega scheduler) that owns a group:
 * the group's own choice, else round-robin by group index. `knob` names the
 * count's parameter, for the error when the choice is out of range.
 */
export function owner(group: Group, chosen: number | undefined, count: number, knob: string): number {
  const id = chosen ?? group.index % count;
  if (id >= count) throw new InputError(`group ${group.id}: owner ${id}, but ${knob} is ${count}`);
  return id;
}

/** The class of a group (0 when the workload has none). */
export function classOf(group: Group): number {
  return group.cls ?? 0;
}

/** The decision time of the group's class. */
export function decisionOf(ctx: StrategyContext, group: Group): DecisionTime {
  return ctx.classes[classOf(group)]!.decision;
}

/** Scheduler instances per class: a number gives every class that many; an object names each class's count (missing classes: 1). */
export type PerClass = number | Readonly<Record<string, number>>;

/** Which scheduler instances serve which class, and which instance owns each group. */
export interface Owners {
  /** Per instance: the class it serves. */
  readonly classOf: Int32Array;
  /** Per group (by index): the instance that owns it. */
  readonly ownerOf: Int32Array;
}

/**
 * Lays scheduler instances out by class (class 0's first) and gives each
 * group an instance of its class: the one the group names (`chosen`, an
 * index among all instances), else round-robin over its class's instances
 * in group order. With one class this is the group index modulo the count.
 */
export function assignOwners(ctx: StrategyContext, counts: PerClass, knob: string, chosen: (g: Group) => number | undefined): Owners {
  const names = ctx.classes.map((c) => c.name);
  if (typeof counts !== "number") {
    for (const key of Object.keys(counts)) {
      if (!names.includes(key)) throw new InputError(`${knob}: no class "${key}" (the workload's classes: ${names.join(", ")})`);
    }
  }
  const per = names.map((name) => (typeof counts === "number" ? counts : (counts[name] ?? 1)));
  const offsets: number[] = [];
  let total = 0;
  for (const n of per) {
    offsets.push(total);
    total += n;
  }
  const classOfInstance = new Int32Array(total);
  per.forEach((n, c) => classOfInstance.fill(c, offsets[c]!, offsets[c]! + n));
  const seen = new Int32Array(per.length);
  const ownerOf = new Int32Array(ctx.groups.length);
  for (const g of ctx.groups) {
    const c = classOf(g);
    const id = chosen(g) ?? offsets[c]! + (seen[c]! % per[c]!);
    seen[c]!++;
    if (id >= total) throw new InputError(`group ${g.id}: owner ${id}, but ${knob} gives ${total}`);
    ownerOf[g.index] = id;
  }
  return { classOf: classOfInstance, ownerOf };
}

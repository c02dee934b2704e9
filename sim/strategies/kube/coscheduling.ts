import * as z from "zod";
import type { Simulator } from "../../engine/index.ts";
import { quorum, type Group } from "../../model/group.ts";
import { interval, nonNegative } from "../../workload/numbers.ts";
import type { Pod } from "./pod.ts";
import type { GangPlugin, PermitVerdict, WaitingPods } from "./plugins.ts";

/**
 * The Coscheduling plugin's arguments (scheduler-plugins CoschedulingArgs,
 * apis/config/v1/defaults.go), and the PodGroup's scheduleTimeoutSeconds.
 */
export const coschedulingParams = z
  .object({
    /** How long a Pod waits at Permit for its gang (PermitWaitingTimeSeconds, default 60). */
    permitWaitingTimeSeconds: interval.default(60),
    /** PodGroup spec.scheduleTimeoutSeconds: overrides permitWaitingTimeSeconds for every gang when set. */
    scheduleTimeoutSeconds: interval.optional(),
    /** After a gang is rejected in PostFilter, its Pods fail PreFilter for this long (PodGroupBackoffSeconds, default 0: off). */
    podGroupBackoffSeconds: nonNegative.default(0),
    /** PostFilter rejects the gang's waiting Pods only when more than this percentage of minMember is unassigned (PodGroupRejectPercentage, default 10). */
    podGroupRejectPercentage: z.number().int().min(0).max(100).default(10),
  })
  .strict();

export type CoschedulingParams = z.infer<typeof coschedulingParams>;

/** What the plugin keeps per PodGroup (PodGroupManager's assignedPodsByPG, backedOffPG, lastFailedSchedulePG). */
interface PodGroupState {
  /** Pods assumed or bound (waiting at Permit, or running). */
  readonly assigned: Set<Pod>;
  /** Pods of the group that exist (were created). */
  created: number;
  /** When its last scheduling failure happened, if it has one on record. */
  lastFailure: number | undefined;
  backoffUntil: number;
}

/**
 * scheduler-plugins' Coscheduling (pkg/coscheduling/coscheduling.go and
 * core/core.go, at 903da7d, after v0.34.7), for groups of kind gang (their
 * PodGroup has minMember = the gang's minMember); other Pods have no
 * PodGroup and pass every extension point untouched.
 *
 * - QueueSort: priority, then the PodGroup's creation time (the gang's
 *   submit), or the time of its last scheduling failure, then the Pod's
 *   name; a Pod without PodGroup sorts by when it was first queued.
 * - PreFilter: a gang Pod is rejected while the gang has fewer Pods than
 *   minMember, or while the gang is backed off.
 * - PostFilter (no node fits a gang Pod): unless the gang already has
 *   minMember Pods assigned, or at most podGroupRejectPercentage % of
 *   minMember is missing, every waiting Pod of the gang is rejected, the
 *   failure time is recorded, and the gang is backed off.
 * - Permit: the Pod counts as assigned; when the gang's assigned Pods reach
 *   minMember, all its waiting Pods are allowed; else the Pod waits (its
 *   resources stay reserved) up to scheduleTimeoutSeconds, and the first
 *   wait activates its siblings.
 * - Unreserve (a waiting Pod timed out or was rejected): every waiting Pod
 *   of the gang is rejected, and the failure time recorded.
 *
 * Not modelled: minResources (the PreFilter check of free cluster
 * resources; PodGroups here have none), the permittedPG cache, and the
 * PodGroup controller's status phases.
 */
export class Coscheduling implements GangPlugin {
  private readonly groups = new Map<number, PodGroupState>();

  constructor(
    private readonly sim: Simulator,
    private readonly params: CoschedulingParams,
    private readonly waiting: WaitingPods,
    private readonly activate: (group: Group, except: Pod) => void,
  ) {}

  readonly sort = {
    timestamp: (pod: Pod): number => {
      if (pod.group.kind !== "gang") return pod.createdAt;
      return this.groups.get(pod.group.index)?.lastFailure ?? pod.group.submit;
    },
    // The namespaced Pod names: the group's id, then the Pod's index in it.
    before: (a: Pod, b: Pod): boolean => (a.group.id !== b.group.id ? a.group.id < b.group.id : a.index < b.index),
  };

  /** A Pod of the group was created. */
  podCreated(pod: Pod): void {
    if (pod.group.kind === "gang") this.state(pod.group).created++;
  }

  preFilter(pod: Pod): boolean {
    if (pod.group.kind !== "gang") return true;
    const pg = this.state(pod.group);
    if (pg.backoffUntil > this.sim.now) return false;
    return pg.created >= quorum(pod.group);
  }

  postFilter(pod: Pod): void {
    const group = pod.group;
    if (group.kind !== "gang") return;
    const pg = this.state(group);
    const min = quorum(group);
    const assigned = pg.assigned.size;
    if (assigned >= min) return;
    if ((min - assigned) / min <= this.params.podGroupRejectPercentage / 100) return;
    for (const w of this.waiting.of(group)) this.waiting.reject(w);
    if (this.params.podGroupBackoffSeconds > 0 && pg.created >= min) pg.backoffUntil = this.sim.now + this.params.podGroupBackoffSeconds;
    pg.lastFailure = this.sim.now;
  }

  permit(pod: Pod): PermitVerdict {
    const group = pod.group;
    if (group.kind !== "gang") return { kind: "allow" };
    const pg = this.state(group);
    pg.assigned.add(pod);
    if (pg.assigned.size >= quorum(group)) {
      pg.lastFailure = undefined;
      for (const w of this.waiting.of(group)) this.waiting.allow(w);
      return { kind: "allow" };
    }
    if (pg.assigned.size === 1) this.activate(group, pod);
    return { kind: "wait", timeout: this.params.scheduleTimeoutSeconds ?? this.params.permitWaitingTimeSeconds };
  }

  unreserve(pod: Pod): void {
    const group = pod.group;
    if (group.kind !== "gang") return;
    const pg = this.state(group);
    pg.assigned.delete(pod);
    for (const w of this.waiting.of(group)) this.waiting.reject(w);
    pg.lastFailure = this.sim.now;
  }

  podDeleted(pod: Pod): void {
    if (pod.group.kind === "gang") this.groups.get(pod.group.index)?.assigned.delete(pod);
  }

  forget(group: Group): void {
    this.groups.delete(group.index);
  }

  private state(group: Group): PodGroupState {
    let pg = this.groups.get(group.index);
    if (pg === undefined) {
      pg = { assigned: new Set(), created: 0, lastFailure: undefined, backoffUntil: -Infinity };
      this.groups.set(group.index, pg);
    }
    return pg;
  }
}


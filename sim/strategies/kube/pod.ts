import type { Group } from "../../model/group.ts";
import type { OnNode } from "../../model/node-lists.ts";
import type { Resources } from "../../model/resources.ts";

/** Where a Pod is in kube-scheduler: one of the scheduling queue's three queues, in a cycle, bound, or gone. */
export type PodState = "active" | "backoff" | "unschedulable" | "inflight" | "waiting" | "bound" | "forgotten";

/** A Pod: a whole group, or one Pod of a gang or job (kube), or one container (naive). */
export interface Pod {
  readonly group: Group;
  /** Which Pod of its group it is (0 for a colocate group). */
  readonly index: number;
  /** Index of the first member the Pod holds, and how many. */
  readonly firstMember: number;
  readonly members: number;
  /** NodeResourcesFit's request (max of app sum and init containers, plus overhead). */
  readonly request: Resources;
  /** The same with each missing cpu/memory request at kube's defaults (for scoring). */
  readonly nonZero: Resources;
  /** Nodes the Pod may use (its group's selector), or undefined for any node. */
  readonly mask: Uint8Array | undefined;
  /** Creation order: the last tie-break of every queue. */
  readonly order: number;
  /** When the Pod was created and first queued (its initial attempt timestamp). */
  readonly createdAt: number;
  /** The queue timestamp: creation, refreshed each time the Pod fails (QueuedPodInfo.Timestamp). */
  timestamp: number;
  /** Scheduling attempts (QueuedPodInfo.Attempts): incremented when the Pod is popped. */
  attempts: number;
  state: PodState;
  /** Bumped at every enqueue; a queue entry with an older token is stale and skipped. */
  token: number;
  /** The node it is bound to, or -1. */
  node: number;
  /** When it was bound (a victim's start time, for preemption's node ordering). */
  boundAt: number;
  /** The node its preemption nominated it to (status.nominatedNodeName), or -1. */
  nominated: number;
  /** A preemption victim in its termination grace period. */
  terminating: boolean;
  /** Its neighbours among the Pods bound to its node (the scheduler's NodeLists). */
  prevOnNode: OnNode | undefined;
  nextOnNode: OnNode | undefined;
}

export const priorityOf = (pod: Pod): number => pod.group.priority;

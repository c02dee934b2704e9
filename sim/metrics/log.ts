import type { Resources } from "../model/resources.ts";

/**
 * Kinds of things that happen in a run. The log is the only thing strategies
 * and the lifecycle write to; every CSV is a pure function of it.
 */
export const Ev = {
  /** A scheduler declared itself (id = scheduler index). Logged at t = 0. */
  SchedulerUp: 1,
  /** The group became visible to the scheduler as a whole (the Pod exists). */
  Created: 2,
  /** A scheduling decision concerning the group was made. */
  Attempt: 3,
  /** A task (some members of the group) started on a node (id = task id; r = request). */
  TaskStart: 4,
  /** A task ended because its group finished. */
  TaskFinish: 5,
  /** A task was killed by its scheduler (rollback); its work is wasted. */
  TaskKill: 6,
  /**
   * All members of the group run: its duration starts (a gang: minMember of
   * its Pods run at once; a job: every Pod has run; r0 = the co-start skew
   * of a gang or job).
   */
  GroupStart: 7,
  /** The group ran for its duration and released its resources. */
  GroupFinish: 8,
  /** No node could hold the group's unit even if empty: it is never placed. */
  Unschedulable: 9,
  /** A scheduler spent decision time (id = scheduler index; r0 = seconds, r1 = 1 if it placed something). */
  Busy: 10,
  /** A transaction conflicted: at least one claim failed (omega; id = scheduler, r0 = claims kept by incremental commit). */
  Conflict: 11,
  /** A partly placed group was rolled back (omega). */
  Rollback: 12,
  /** A scheduler gave up on the group. */
  Abandon: 13,
  /** A framework began holding resources on a node for the group (id = hold id). */
  HoldStart: 14,
  /** A hold ended (id = hold id). */
  HoldEnd: 15,
  /** A transaction committed without conflict (omega; id = scheduler, r0 = claims), for the conflict fraction. */
  Commit: 16,
  /** The allocator offered nodes to a framework in one round (id = framework; r0 = number of offers). */
  Offer: 17,
  /** A framework declined (part of) offers in one answer (id = framework; r0 = number of offers declined). */
  Decline: 18,
  /** A held offer was rescinded by the offer timeout (id = framework; r = rescinded). */
  Rescind: 19,
  /** The group is part of deadlock `id` on `node` (r = what it holds there). */
  DeadlockJoin: 20,
  /** Deadlock `id` ended (r0 = DeadlockResolution; group = the aborted group, if any). */
  DeadlockEnd: 21,
  /** The allocator ran an offer round (r0 = nodes visited, r1 = offers made). */
  AllocRound: 22,
  /** A task was lost with its failed node (id = task id); its work is wasted. */
  TaskLost: 23,
  /** The group lost members to a node failure and stopped (Pod phase Failed). */
  GroupLost: 24,
  /** A controller submitted a replacement for the lost group (a new attempt, same id). */
  Restart: 25,
  /** The node failed (node = node). */
  NodeDown: 26,
  /** The node recovered. */
  NodeUp: 27,
  /** The group left deadlock `id` on `node` while the rest stays stuck (its hold timed out, or it was aborted or failed). */
  DeadlockLeave: 28,
  /** The group's Pod was chosen as a preemption victim on `node` (id = the preemptor's group index); it terminates after its grace period. */
  Preempted: 29,
  /**
   * The group is part of stall `id` on `node` (r = what it holds there): it
   * waits on its node for what the node can never give it (its need exceeds
   * the node's capacity, or is held by a group that does, or the node's free
   * resources sit below the allocator's minimum offer with nothing to release).
   */
  StallJoin: 30,
  /** The group left stall `id` on `node` while the rest stays stuck. */
  StallLeave: 31,
  /** Stall `id` ended (r0 = DeadlockResolution; group = the aborted group, if any). */
  StallEnd: 32,
  /**
   * placeOnce: the group did not run whole within the gap after its submit;
   * the cluster counts as full, and no more groups are submitted.
   */
  FillFailed: 33,
  /** Pod `id` of a gang or job is fully running (on `node`, where its last member started; r0 = 1 when its containers run on more than one node). */
  PodUp: 34,
  /** Every Pod of a gang or job runs at the same time (first time since it was placed). */
  GroupFull: 35,
  /** A Pod of the gang waited at Permit (Coscheduling) for scheduleTimeoutSeconds: every waiting Pod of the gang is rejected. */
  PermitTimeout: 36,
  /** A queue admitted the group (Kueue: quota reserved; r = the group's request). */
  Admitted: 37,
  /** A queue evicted the admitted group (Kueue waitForPodsReady timeout; r0 = requeue backoff seconds). */
  Evicted: 38,
  /** A committed claim (omega) of a group already lost to a node failure was given back at once (r = the claim). */
  ClaimReturned: 39,
  /** A Pod waiting at Permit was rejected before its timeout (Coscheduling's PostFilter or Unreserve; id = the Pod's index). */
  PermitReject: 40,
} as const;

/** How a deadlock ended, in DeadlockEnd's r0. */
export const DeadlockResolution = {
  Timeout: 1,
  Aborted: 2,
  Released: 3,
} as const;

export type EvKind = (typeof Ev)[keyof typeof Ev];

const INITIAL = 1024;

/**
 * An append-only, columnar record of what happened. Columns are typed arrays
 * that double when full, so recording an event allocates nothing per event.
 */
export class EventLog {
  private cap = INITIAL;
  length = 0;
  t = new Float64Array(INITIAL);
  kind = new Uint8Array(INITIAL);
  group = new Int32Array(INITIAL);
  node = new Int32Array(INITIAL);
  id = new Int32Array(INITIAL);
  r0 = new Float64Array(INITIAL);
  r1 = new Float64Array(INITIAL);
  r2 = new Float64Array(INITIAL);

  push(t: number, kind: EvKind, group: number, node = -1, id = -1, r0 = 0, r1 = 0, r2 = 0): void {
    if (this.length > 0 && t < this.t[this.length - 1]!) {
      throw new Error(`event log: time went backwards (${t} after ${this.t[this.length - 1]})`);
    }
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.kind[i] = kind;
    this.group[i] = group;
    this.node[i] = node;
    this.id[i] = id;
    this.r0[i] = r0;
    this.r1[i] = r1;
    this.r2[i] = r2;
  }

  pushResources(t: number, kind: EvKind, group: number, node: number, id: number, r: Resources): void {
    this.push(t, kind, group, node, id, r.cpu, r.memory, r.gpu);
  }

  private grow(): void {
    const cap = this.cap * 2;
    this.t = growF64(this.t, cap);
    this.kind = growU8(this.kind, cap);
    this.group = growI32(this.group, cap);
    this.node = growI32(this.node, cap);
    this.id = growI32(this.id, cap);
    this.r0 = growF64(this.r0, cap);
    this.r1 = growF64(this.r1, cap);
    this.r2 = growF64(this.r2, cap);
    this.cap = cap;
  }
}

function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
function growI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, cap: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

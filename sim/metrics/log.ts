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
/** The most events a log grows by at once (2^18: 11.25 MB over its columns). */
const GROW_STEP = 2 ** 18;
/** Bytes per event across the columns (t, kind, group, node, id, r0, r1, r2). */
const COLUMN_BYTES = [8, 1, 4, 4, 4, 8, 8, 8] as const;
const EVENT_BYTES = COLUMN_BYTES.reduce((a, b) => a + b, 0);

/**
 * An ES2024 growable SharedArrayBuffer (Node 20 has them; the ES2023 library
 * the code is checked against does not describe them), or failing that a
 * resizable ArrayBuffer: either grows in place.
 */
interface GrowableShared extends SharedArrayBuffer {
  grow(byteLength: number): void;
}
interface ResizableBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
type GrowingBuffer = GrowableShared | ResizableBuffer;
const GrowableShared = SharedArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => GrowableShared;
const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableBuffer;
/** Whether this runtime grows SharedArrayBuffers (Node 20 does). */
const SHARED = typeof (SharedArrayBuffer.prototype as Partial<GrowableShared>).grow === "function";
/** Whether a log's columns are shared buffers, which another thread can read as the log grows (LogReader). */
export const LOG_SHAREABLE = SHARED;

function growing(byteLength: number, maxByteLength: number): GrowingBuffer {
  return SHARED ? new GrowableShared(byteLength, { maxByteLength }) : new Resizable(byteLength, { maxByteLength });
}

function grow(buffer: GrowingBuffer, byteLength: number): void {
  if (SHARED) (buffer as GrowableShared).grow(byteLength);
  else (buffer as ResizableBuffer).resize(byteLength);
}

/**
 * Room reserved per log, in events: address space only, memory is taken as
 * the log fills. 2^28 events (12 GB of address space per log); fewer where
 * the address space is limited (ulimit -v).
 */
function reserve(): { buffers: GrowingBuffer[]; max: number } {
  for (let max = 2 ** 28; ; max /= 4) {
    try {
      return { buffers: COLUMN_BYTES.map((size) => growing(INITIAL * size, max * size)), max };
    } catch (err) {
      if (!(err instanceof RangeError) || max <= 2 ** 20) throw err;
    }
  }
}

/** The log's columns as its readers see them: the first `length` entries of each are the events so far. */
export interface LogColumns {
  readonly length: number;
  readonly t: Float64Array;
  readonly kind: Uint8Array;
  readonly group: Int32Array;
  readonly node: Int32Array;
  readonly id: Int32Array;
  readonly r0: Float64Array;
  readonly r1: Float64Array;
  readonly r2: Float64Array;
}

/** Bytes per entry of each column, in the order of `EventLog.buffers`. */
export const LOG_COLUMN_BYTES = COLUMN_BYTES;

/** Typed-array views of a log's column buffers (an EventLog's own, or another thread's: LogReader). */
export abstract class LogViews implements LogColumns {
  abstract readonly length: number;
  t!: Float64Array;
  kind!: Uint8Array;
  group!: Int32Array;
  node!: Int32Array;
  id!: Int32Array;
  r0!: Float64Array;
  r1!: Float64Array;
  r2!: Float64Array;

  /** Views of the first `entries` entries of each column's buffer, in LOG_COLUMN_BYTES order (fixed-length views: one that follows a growing buffer is slower to index). */
  protected viewColumns(buffers: readonly ArrayBufferLike[], entries: number): void {
    const [t, kind, group, node, id, r0, r1, r2] = buffers as [ArrayBufferLike, ArrayBufferLike, ArrayBufferLike, ArrayBufferLike, ArrayBufferLike, ArrayBufferLike, ArrayBufferLike, ArrayBufferLike];
    this.t = new Float64Array(t, 0, entries);
    this.kind = new Uint8Array(kind, 0, entries);
    this.group = new Int32Array(group, 0, entries);
    this.node = new Int32Array(node, 0, entries);
    this.id = new Int32Array(id, 0, entries);
    this.r0 = new Float64Array(r0, 0, entries);
    this.r1 = new Float64Array(r1, 0, entries);
    this.r2 = new Float64Array(r2, 0, entries);
  }
}

/**
 * An append-only, columnar record of what happened. Columns are typed arrays
 * over buffers that grow in place when full (no copy, and no memory touched
 * but the events', which on a VM page-faulting at ~2.7 ms per MB was most of
 * what a doubling cost); recording an event allocates nothing. The buffers
 * are shared ones where the runtime grows them, so another thread may touch
 * their memory first (`buffers`, sim/execute/prefault.ts).
 */
export class EventLog extends LogViews {
  private cap = INITIAL;
  length = 0;
  private readonly columns: GrowingBuffer[];
  private readonly max: number;
  // The columns (LogViews) are views of the first `cap` events of each buffer, made anew when the buffers grow.

  constructor() {
    super();
    ({ buffers: this.columns, max: this.max } = reserve());
    this.view();
  }

  /** Bytes the columns hold now (process.memoryUsage() counts no growable buffer). */
  get bytes(): number {
    return this.cap * EVENT_BYTES;
  }

  /** The columns' shared buffers (they grow as the log does), or none where the runtime grows no shared buffer. */
  get buffers(): readonly SharedArrayBuffer[] {
    return SHARED ? (this.columns as SharedArrayBuffer[]) : [];
  }

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
    // Doubling, by at most GROW_STEP events: memory past the last event is touched by whoever prefaults the log.
    const cap = Math.min(this.cap * 2, this.cap + GROW_STEP, this.max);
    if (cap === this.cap) throw new Error(`event log: a run of more than ${this.max} events`);
    this.columns.forEach((buffer, c) => grow(buffer, cap * COLUMN_BYTES[c]!));
    this.cap = cap;
    this.view();
  }

  private view(): void {
    this.viewColumns(this.columns, this.cap);
  }
}

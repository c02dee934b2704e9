import FastPriorityQueue from "fastpriorityqueue";
import { Phase, type Simulator } from "../../engine/index.ts";
import { priorityOf, type Pod } from "./pod.ts";

/**
 * kube-scheduler's scheduling queue (Kubernetes v1.34,
 * pkg/scheduler/backend/queue/scheduling_queue.go, active_queue.go,
 * backoff_queue.go): activeQ, backoffQ and the unschedulable Pods.
 *
 * - activeQ is ordered by priority, then the Pod's queue timestamp, which is
 *   refreshed when the Pod fails (so it goes behind Pods created meanwhile).
 * - A failed Pod goes to backoffQ if an event that may make it schedulable
 *   happened while its cycle ran (with queueing hints: an event whose hint
 *   says Queue for it; without: any move request during its cycle), else to
 *   the unschedulable Pods.
 * - Backoff is podInitialBackoffSeconds x 2^(attempts - 1), capped at
 *   podMaxBackoffSeconds, from the queue timestamp; with popFromBackoffQ its
 *   end is truncated to whole seconds (KEP-5142's ordering windows). backoffQ
 *   is flushed to activeQ on a 1 s tick; with popFromBackoffQ (the default
 *   since v1.33) an empty activeQ pops the head of backoffQ at once.
 * - A cluster event moves unschedulable Pods out: NodeResourcesFit's hint
 *   queues every Pod it rejected on any deletion of an assigned Pod (no fit
 *   check: fit.go isSchedulableAfterPodEvent), and on a node added (or back
 *   from a failure) only Pods that fit it; the same moves happen without
 *   queueing hints (v1.28.6-v1.31: every Pod whose rejecting plugin
 *   registered the event, node additions pre-checked for fit). A moved Pod
 *   goes to backoffQ while backing off, else to activeQ.
 * - Pods unschedulable for longer than podMaxInUnschedulablePodsDuration are
 *   flushed on a 30 s tick.
 */
export interface QueueParams {
  readonly podInitialBackoffSeconds: number;
  readonly podMaxBackoffSeconds: number;
  readonly podMaxInUnschedulablePodsDuration: number;
  readonly queueingHints: boolean;
  readonly popFromBackoffQ: boolean;
}

interface Entry {
  readonly pod: Pod;
  readonly token: number;
  /** activeQ: the timestamp when queued; backoffQ: the backoff end. */
  readonly key: number;
  readonly timestamp: number;
}

/**
 * A QueueSort plugin: the timestamp a queued Pod sorts by after its priority,
 * and the last tie-break. The default (PrioritySort) uses the Pod's queue
 * timestamp and creation order.
 */
export interface QueueSort {
  timestamp(pod: Pod): number;
  before(a: Pod, b: Pod): boolean;
}

const prioritySort: QueueSort = {
  timestamp: (pod) => pod.timestamp,
  before: (a, b) => a.order < b.order,
};

function lessOf(sort: QueueSort): (a: Entry, b: Entry) => boolean {
  return (a, b) => {
    const pa = priorityOf(a.pod);
    const pb = priorityOf(b.pod);
    if (pa !== pb) return pa > pb;
    if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
    return sort.before(a.pod, b.pod);
  };
}

/** calculateBackoffDuration: initial x 2^(attempts - 1), capped at max. */
export function backoffDuration(attempts: number, initial: number, max: number): number {
  return attempts <= 0 ? 0 : Math.min(max, initial * 2 ** (attempts - 1));
}

const FLUSH_BACKOFF_EVERY = 1;
const FLUSH_UNSCHEDULABLE_EVERY = 30;

export class SchedulingQueue {
  private readonly active: FastPriorityQueue<Entry>;
  private readonly backoff: FastPriorityQueue<Entry>;
  private readonly unschedulable = new Set<Pod>();
  private activeCount = 0;
  private backoffCount = 0;
  /** The Pod in a scheduling cycle, and whether an event during the cycle may make it schedulable. */
  private inflight: Pod | undefined;
  private inflightEvent = false;
  /** Without queueing hints: whether any move request came during the current cycle. */
  private moveRequested = false;
  private backoffTick = false;
  private unschedulableTick = false;

  constructor(
    private readonly sim: Simulator,
    private readonly params: QueueParams,
    /** Called when activeQ (or, with popFromBackoffQ, backoffQ) gets a Pod: the scheduler may start a cycle. */
    private readonly wake: () => void,
    private readonly sort: QueueSort = prioritySort,
  ) {
    const activeLess = lessOf(sort);
    this.active = new FastPriorityQueue<Entry>(activeLess);
    this.backoff = new FastPriorityQueue<Entry>((a, b) => (a.key !== b.key ? a.key < b.key : activeLess(a, b)));
  }

  /** Pods in activeQ, backoffQ and the unschedulable set (for tests). */
  get sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.activeCount, backoff: this.backoffCount, unschedulable: this.unschedulable.size };
  }

  private align(t: number): number {
    return this.params.popFromBackoffQ ? Math.floor(t) : t;
  }

  /** When the Pod's backoff ends (its BackoffExpiration); 0 before any attempt. */
  backoffEnd(pod: Pod): number {
    if (pod.attempts === 0) return 0;
    return this.align(pod.timestamp + backoffDuration(pod.attempts, this.params.podInitialBackoffSeconds, this.params.podMaxBackoffSeconds));
  }

  isBackingOff(pod: Pod): boolean {
    const end = this.backoffEnd(pod);
    return this.params.popFromBackoffQ ? end >= this.align(this.sim.now) : end > this.sim.now;
  }

  /** A new Pod. */
  add(pod: Pod): void {
    this.toActive(pod);
  }

  private toActive(pod: Pod): void {
    this.unschedulable.delete(pod);
    pod.state = "active";
    this.active.add({ pod, token: ++pod.token, key: pod.timestamp, timestamp: this.sort.timestamp(pod) });
    this.activeCount++;
    this.wake();
  }

  private toBackoff(pod: Pod): void {
    this.unschedulable.delete(pod);
    pod.state = "backoff";
    this.backoff.add({ pod, token: ++pod.token, key: this.backoffEnd(pod), timestamp: this.sort.timestamp(pod) });
    this.backoffCount++;
    this.scheduleBackoffTick();
    if (this.params.popFromBackoffQ) this.wake();
  }

  private toUnschedulable(pod: Pod): void {
    pod.state = "unschedulable";
    pod.token++;
    this.unschedulable.add(pod);
    this.scheduleUnschedulableTick();
  }

  /** Back to the queues after an event: backoffQ while backing off, else activeQ. */
  private requeue(pod: Pod): void {
    if (this.isBackingOff(pod)) this.toBackoff(pod);
    else this.toActive(pod);
  }

  private takeLive(queue: FastPriorityQueue<Entry>, state: "active" | "backoff"): Pod | undefined {
    for (;;) {
      const e = queue.poll();
      if (e === undefined) return undefined;
      if (e.token === e.pod.token && e.pod.state === state) return e.pod;
    }
  }

  /** The next Pod to schedule (it is then in flight), or undefined. */
  pop(): Pod | undefined {
    let pod = this.takeLive(this.active, "active");
    if (pod !== undefined) this.activeCount--;
    else if (this.params.popFromBackoffQ) {
      pod = this.takeLive(this.backoff, "backoff");
      if (pod !== undefined) this.backoffCount--;
    }
    if (pod === undefined) return undefined;
    pod.state = "inflight";
    pod.token++;
    pod.attempts++;
    this.inflight = pod;
    this.inflightEvent = false;
    this.moveRequested = false;
    return pod;
  }

  /** The in-flight Pod was bound. */
  done(pod: Pod): void {
    if (this.inflight === pod) this.inflight = undefined;
  }

  /**
   * The in-flight Pod could not be scheduled (AddUnschedulablePodIfNotPresent):
   * its timestamp is refreshed, and it goes to backoffQ if an event during its
   * cycle may have made it schedulable, else to the unschedulable Pods.
   */
  failed(pod: Pod): void {
    this.done(pod);
    pod.timestamp = this.sim.now;
    const retry = this.params.queueingHints ? this.inflightEvent : this.moveRequested;
    if (retry) {
      if (this.params.queueingHints) this.requeue(pod);
      else this.toBackoff(pod);
    } else this.toUnschedulable(pod);
  }

  /**
   * A Pod rejected after its cycle (while waiting at Permit): its binding
   * cycle ends in failure, with events having come in meanwhile, so it goes
   * back through backoff (timestamp refreshed).
   */
  rejected(pod: Pod): void {
    pod.timestamp = this.sim.now;
    this.requeue(pod);
  }

  /** PodsToActivate (Activate): a Pod in backoffQ or among the unschedulable goes to activeQ at once. */
  activate(pod: Pod): void {
    if (pod.state === "unschedulable") this.toActive(pod);
    else if (pod.state === "backoff") {
      this.backoffCount--;
      this.toActive(pod);
    }
  }

  /** Pods of `group` that are unschedulable move (a sibling Pod was added: Coscheduling's Pod/Add event). */
  podAdded(group: number): void {
    if (this.inflight !== undefined && this.inflight.group.index === group) this.inflightEvent = true;
    this.moveRequested = true;
    this.moveUnschedulable((pod) => pod.group.index === group);
  }

  /** An assigned Pod was deleted (it finished, was killed or evicted): every Pod NodeResourcesFit rejected may now fit. */
  assignedPodDeleted(): void {
    this.inflightEvent = true;
    this.moveRequested = true;
    this.moveUnschedulable(() => true);
  }

  /** A node was added or came back: Pods that fit it (empty) move; `fits` answers for a Pod. */
  nodeAdded(fits: (pod: Pod) => boolean): void {
    if (this.inflight !== undefined && fits(this.inflight)) this.inflightEvent = true;
    this.moveRequested = true;
    this.moveUnschedulable(fits);
  }

  private moveUnschedulable(worth: (pod: Pod) => boolean): void {
    if (this.unschedulable.size === 0) return;
    for (const pod of [...this.unschedulable]) if (worth(pod)) this.requeue(pod);
  }

  /** The Pod is gone (its group was lost or evicted): out of every queue. */
  forget(pod: Pod): void {
    if (pod.state === "active") this.activeCount--;
    if (pod.state === "backoff") this.backoffCount--;
    this.unschedulable.delete(pod);
    if (this.inflight === pod) this.inflight = undefined;
    pod.state = "forgotten";
    pod.token++;
  }

  private scheduleBackoffTick(): void {
    if (this.backoffTick) return;
    this.backoffTick = true;
    const next = (Math.floor(this.sim.now / FLUSH_BACKOFF_EVERY) + 1) * FLUSH_BACKOFF_EVERY;
    this.sim.schedule(next, Phase.Arrival, () => {
      this.backoffTick = false;
      this.flushBackoffCompleted();
      if (this.backoffCount > 0) this.scheduleBackoffTick();
    });
  }

  /** flushBackoffQCompleted: Pods whose backoff ended go to activeQ. */
  private flushBackoffCompleted(): void {
    for (;;) {
      const e = this.backoff.peek();
      if (e === undefined) return;
      if (e.token !== e.pod.token || e.pod.state !== "backoff") {
        this.backoff.poll();
        continue;
      }
      if (this.isBackingOff(e.pod)) return;
      this.backoff.poll();
      this.backoffCount--;
      this.toActive(e.pod);
    }
  }

  private scheduleUnschedulableTick(): void {
    if (this.unschedulableTick) return;
    this.unschedulableTick = true;
    const next = (Math.floor(this.sim.now / FLUSH_UNSCHEDULABLE_EVERY) + 1) * FLUSH_UNSCHEDULABLE_EVERY;
    this.sim.schedule(next, Phase.Arrival, () => {
      this.unschedulableTick = false;
      const now = this.sim.now;
      this.moveUnschedulable((pod) => now - pod.timestamp > this.params.podMaxInUnschedulablePodsDuration);
      if (this.unschedulable.size > 0) this.scheduleUnschedulableTick();
    });
  }
}

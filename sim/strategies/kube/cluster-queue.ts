import FastPriorityQueue from "fastpriorityqueue";
import * as z from "zod";
import type { Group } from "../../model/group.ts";
import { fitsIn, type Resources } from "../../model/resources.ts";
import { interval, nonNegative } from "../../workload/numbers.ts";

/**
 * Kueue's knobs (kubernetes-sigs/kueue apis/config/v1beta1 defaults.go, and
 * the ClusterQueue spec), with Kueue's defaults where it has them.
 */
export const kueueParams = z
  .object({
    /** The ClusterQueue's nominalQuota, as a fraction of the cluster's allocatable per resource (1: the whole cluster). */
    quota: z.number().positive().max(100).default(1),
    /** BestEffortFIFO (Kueue's default): a workload that does not fit is set aside and later ones may be admitted; StrictFIFO: the head blocks. */
    queueingStrategy: z.enum(["BestEffortFIFO", "StrictFIFO"]).default("BestEffortFIFO"),
    waitForPodsReady: z
      .object({
        /** Evict an admitted workload whose Pods are not all running within `timeout` (all-or-nothing with ready Pods). */
        enable: z.boolean().default(true),
        /** Kueue's default 5 min. */
        timeout: interval.default(300),
        /** While an admitted workload is not ready, admit nothing else (default: the value of enable, as Kueue). */
        blockAdmission: z.boolean().optional(),
        /** requeuingStrategy: the n-th requeue waits backoffBaseSeconds x 2^(n-1), at most backoffMaxSeconds (Kueue's 60 and 3600). */
        backoffBaseSeconds: nonNegative.default(60),
        backoffMaxSeconds: nonNegative.default(3600),
        /** After this many requeues the workload is deactivated (absent: requeued forever, Kueue's default). */
        backoffLimitCount: z.number().int().min(0).optional(),
      })
      .strict()
      .default({ enable: true, timeout: 300, backoffBaseSeconds: 60, backoffMaxSeconds: 3600 }),
  })
  .strict();

export type KueueParams = z.infer<typeof kueueParams>;

/** A workload: the queue's view of one group. */
export interface Workload {
  readonly group: Group;
  /** The sum of its Pods' requests: what admission reserves of the quota. */
  readonly request: Resources;
  /** The queue order's timestamp: creation, or the last eviction (requeuingStrategy.timestamp: Eviction). */
  timestamp: number;
  /** Requeues so far (status.requeueState.count). */
  requeues: number;
  state: "pending" | "admitted" | "ready" | "backoff" | "gone";
  token: number;
}

interface Entry {
  readonly w: Workload;
  readonly token: number;
}

const before = (a: Entry, b: Entry): boolean => {
  const ga = a.w.group;
  const gb = b.w.group;
  if (ga.priority !== gb.priority) return ga.priority > gb.priority;
  if (a.w.timestamp !== b.w.timestamp) return a.w.timestamp < b.w.timestamp;
  return ga.index < gb.index;
};

/**
 * One ClusterQueue: pending workloads in priority then timestamp order, and
 * the quota admitted workloads use (pkg/queue/cluster_queue.go,
 * pkg/scheduler/scheduler.go). Admission takes heads in order while they fit
 * the free quota; under BestEffortFIFO a head that does not fit is set aside
 * (inadmissible) until quota is released, under StrictFIFO it blocks the
 * queue. Pure bookkeeping: the strategy decides when to admit and evict.
 */
export class ClusterQueue {
  private readonly heap = new FastPriorityQueue<Entry>(before);
  private inadmissible: Workload[] = [];
  private usedCpu = 0;
  private usedMemory = 0;
  private usedGpu = 0;

  constructor(
    readonly quota: Resources,
    private readonly strategy: KueueParams["queueingStrategy"],
  ) {}

  /** A workload joins the pending queue. */
  push(w: Workload): void {
    w.state = "pending";
    this.heap.add({ w, token: ++w.token });
  }

  /** Quota was released: workloads set aside may be admissible again (QueueInadmissibleWorkloads). */
  requeueInadmissible(): void {
    const parked = this.inadmissible;
    this.inadmissible = [];
    for (const w of parked) if (w.state === "pending") this.heap.add({ w, token: ++w.token });
  }

  /** The next workload that fits the free quota (its quota is then reserved), or undefined. */
  admitNext(): Workload | undefined {
    for (;;) {
      const e = this.heap.peek();
      if (e === undefined) return undefined;
      if (e.token !== e.w.token || e.w.state !== "pending") {
        this.heap.poll();
        continue;
      }
      const free = { cpu: this.quota.cpu - this.usedCpu, memory: this.quota.memory - this.usedMemory, gpu: this.quota.gpu - this.usedGpu };
      if (!fitsIn(e.w.request, free)) {
        if (this.strategy === "StrictFIFO") return undefined;
        this.heap.poll();
        this.inadmissible.push(e.w);
        continue;
      }
      this.heap.poll();
      this.usedCpu += e.w.request.cpu;
      this.usedMemory += e.w.request.memory;
      this.usedGpu += e.w.request.gpu;
      e.w.state = "admitted";
      return e.w;
    }
  }

  /** The admitted workload's quota is given back (it finished, was evicted or lost). */
  release(w: Workload): void {
    this.usedCpu -= w.request.cpu;
    this.usedMemory -= w.request.memory;
    this.usedGpu -= w.request.gpu;
  }

  /** Whether the workload could ever be admitted (its request within the nominal quota). */
  admissible(w: Workload): boolean {
    return fitsIn(w.request, this.quota);
  }
}

/** Kueue's requeue backoff (workload.UpdateRequeueState), without its 0.01 % jitter. */
export function requeueBackoff(requeues: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** (requeues - 1));
}

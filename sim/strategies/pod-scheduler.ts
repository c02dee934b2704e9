import FastPriorityQueue from "fastpriorityqueue";
import { z } from "zod";
import { Phase, type Rng, type EventId } from "../engine/index.ts";
import { Ev } from "../metrics/log.ts";
import type { Group } from "../model/group.ts";
import type { Resources } from "../model/resources.ts";
import { MAX_NODE_SCORE, numFeasibleNodesToFind, SCORING_STRATEGIES, scoreNode } from "./scoring.ts";
import { decisionSeconds, type StrategyContext } from "./strategy.ts";
import { interval } from "../workload/numbers.ts";

/** kube-scheduler knobs shared by `kube` and `naive`. */
export const podSchedulerParams = z
  .object({
    scoring: z.enum(SCORING_STRATEGIES).default("LeastAllocated"),
    weights: z
      .object({
        cpu: z.number().int().min(0).default(1),
        memory: z.number().int().min(0).default(1),
        gpu: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ cpu: 1, memory: 1, gpu: 0 }),
    /** 0 = adaptive (kube default), else a fixed percentage 1..100. */
    percentageOfNodesToScore: z.number().int().min(0).max(100).default(0),
    backoffInitial: interval.default(1),
    backoffMax: interval.default(10),
    /** podMaxInUnschedulablePodsDuration: unschedulable Pods are retried after this long anyway. */
    unschedulableFlush: interval.default(300),
  })
  .strict();

export type PodSchedulerParams = z.infer<typeof podSchedulerParams>;

type PodState = "active" | "unschedulable" | "backoff" | "bound" | "forgotten";

/** A Pod in the scheduling queue: a whole group (kube) or one container (naive). */
export interface Pod {
  readonly group: Group;
  /** Index of the first member the Pod holds, and how many. */
  readonly firstMember: number;
  readonly members: number;
  readonly request: Resources;
  /** Nodes the Pod may use (its group's selector), or undefined for any node. */
  readonly mask: Uint8Array | undefined;
  readonly createdAt: number;
  readonly order: number;
  attempts: number;
  backoffUntil: number;
  state: PodState;
  timer: EventId | undefined;
}

/** kube-scheduler's Pod backoff: initial x 2^(attempts - 1), capped. */
export function backoffSeconds(attempts: number, initial: number, cap: number): number {
  return Math.min(cap, initial * 2 ** (attempts - 1));
}

function podBefore(a: Pod, b: Pod): boolean {
  if (a.group.priority !== b.group.priority) return a.group.priority > b.group.priority;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.order < b.order;
}

/**
 * kube-scheduler's scheduling queue and cycle: one Pod at a time, active queue
 * by priority then creation time, NodeResourcesFit filter over a rotating
 * window of nodes (percentageOfNodesToScore), scoring, seeded tie-break,
 * exponential backoff and requeue on release. A cycle costs the decision time;
 * the Pod is filtered, scored and bound at the end of it.
 */
export class PodScheduler {
  private readonly active = new FastPriorityQueue<Pod>(podBefore);
  private unschedulable: Pod[] = [];
  /** Every Pod created, by group, so a lost group's Pods can be forgotten. */
  private readonly podsOf = new Map<number, Pod[]>();
  private readonly numToFind: number;
  private readonly tieBreak: Rng;
  private nextStart = 0;
  private nextOrder = 0;
  private busy = false;
  private kicked = false;
  /** Nodes examined by the last filter pass (for tests of percentageOfNodesToScore). */
  lastExamined = 0;

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: PodSchedulerParams,
    private readonly onBind: (pod: Pod, node: number) => void,
  ) {
    this.numToFind = numFeasibleNodesToFind(ctx.cluster.size, params.percentageOfNodesToScore);
    this.tieBreak = ctx.rng.stream("kube/tie-break");
    ctx.log.push(0, Ev.SchedulerUp, -1, -1, 0);
  }

  /**
   * Creates a Pod and queues it. A Pod that fits no node even when empty is
   * rejected at once: its group is logged unschedulable and false is returned.
   */
  submit(group: Group, firstMember: number, members: number, request: Resources): boolean {
    const { sim, cluster, log } = this.ctx;
    if (!cluster.fitsAnyNode(request, group.selector)) {
      log.push(sim.now, Ev.Unschedulable, group.index);
      return false;
    }
    const pod: Pod = {
      group,
      firstMember,
      members,
      request,
      mask: group.selector === undefined ? undefined : cluster.selectorMask(group.selector),
      createdAt: sim.now,
      order: this.nextOrder++,
      attempts: 0,
      backoffUntil: 0,
      state: "active",
      timer: undefined,
    };
    const pods = this.podsOf.get(group.index);
    if (pods === undefined) this.podsOf.set(group.index, [pod]);
    else pods.push(pod);
    this.activate(pod);
    return true;
  }

  /** Drops every Pod of the group, wherever it waits (its group was lost). */
  forget(group: Group): void {
    const pods = this.podsOf.get(group.index);
    if (pods === undefined) return;
    this.podsOf.delete(group.index);
    for (const pod of pods) {
      if (pod.timer !== undefined) this.ctx.sim.cancel(pod.timer);
      pod.timer = undefined;
      pod.state = "forgotten";
    }
    this.active.removeMany((p) => p.state === "forgotten");
    this.unschedulable = this.unschedulable.filter((p) => p.state !== "forgotten");
  }

  /** Resources were freed on `node`: Pods that now fit there leave the unschedulable set. */
  onFreed(node: number): void {
    if (this.unschedulable.length === 0) return;
    const cluster = this.ctx.cluster;
    const keep: Pod[] = [];
    const moved: Pod[] = [];
    for (const pod of this.unschedulable) {
      if (cluster.fits(node, pod.request) && (pod.mask === undefined || pod.mask[node] === 1)) moved.push(pod);
      else keep.push(pod);
    }
    if (moved.length === 0) return;
    this.unschedulable = keep;
    for (const pod of moved) this.requeue(pod);
  }

  private requeue(pod: Pod): void {
    if (pod.timer !== undefined) this.ctx.sim.cancel(pod.timer);
    pod.timer = undefined;
    const sim = this.ctx.sim;
    if (sim.now >= pod.backoffUntil) {
      this.activate(pod);
    } else {
      pod.state = "backoff";
      pod.timer = sim.schedule(pod.backoffUntil, Phase.Arrival, () => {
        pod.timer = undefined;
        this.activate(pod);
      });
    }
  }

  private activate(pod: Pod): void {
    pod.state = "active";
    this.active.add(pod);
    this.kick();
  }

  /** Starts a cycle at this instant, after every arrival of the instant is queued. */
  private kick(): void {
    if (this.busy || this.kicked) return;
    this.kicked = true;
    this.ctx.sim.after(0, Phase.Decision, () => {
      this.kicked = false;
      this.startCycle();
    });
  }

  private startCycle(): void {
    if (this.busy) return;
    const pod = this.active.poll();
    if (pod === undefined) return;
    this.busy = true;
    const seconds = decisionSeconds(this.ctx.decision, 1);
    this.ctx.sim.after(seconds, Phase.Decision, () => this.endCycle(pod, seconds));
  }

  private endCycle(pod: Pod, seconds: number): void {
    const { sim, log } = this.ctx;
    if (pod.state === "forgotten") {
      // Its group was lost while this cycle ran: the decision is wasted.
      log.push(sim.now, Ev.Busy, pod.group.index, -1, 0, seconds, 0);
      this.busy = false;
      this.startCycle();
      return;
    }
    const node = this.selectNode(pod.request, pod.mask);
    log.push(sim.now, Ev.Attempt, pod.group.index, node);
    log.push(sim.now, Ev.Busy, pod.group.index, node, 0, seconds, node >= 0 ? 1 : 0);
    pod.attempts++;
    if (node >= 0) {
      pod.state = "bound";
      this.onBind(pod, node);
    } else {
      this.markUnschedulable(pod);
    }
    this.busy = false;
    this.startCycle();
  }

  private markUnschedulable(pod: Pod): void {
    const { sim } = this.ctx;
    pod.backoffUntil = sim.now + backoffSeconds(pod.attempts, this.params.backoffInitial, this.params.backoffMax);
    pod.state = "unschedulable";
    this.unschedulable.push(pod);
    pod.timer = sim.after(this.params.unschedulableFlush, Phase.Arrival, () => {
      pod.timer = undefined;
      if (pod.state !== "unschedulable") return;
      this.unschedulable = this.unschedulable.filter((p) => p !== pod);
      this.activate(pod);
    });
  }

  /**
   * Filter then score. Filtering (NodeResourcesFit, and the group's node
   * selector when it has one) scans from a rotating start index and stops
   * once numFeasibleNodesToFind feasible nodes are found; the best score wins,
   * ties broken uniformly by the seeded stream (reservoir of size one, as
   * kube-scheduler's selectHost does). Returns -1 when no node fits.
   */
  selectNode(request: Resources, mask?: Uint8Array): number {
    const cluster = this.ctx.cluster;
    const n = cluster.size;
    const want = this.numToFind;
    const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, capGpu } = cluster;
    const { cpu: rc, memory: rm, gpu: rg } = request;
    const { scoring, weights } = this.params;
    // The default (LeastAllocated) is computed inline; the others through scoreNode.
    const inline = scoring === "LeastAllocated";
    const wc = weights.cpu;
    const wm = weights.memory;
    const wg = weights.gpu;
    const wsum = wc + wm + wg;
    let found = 0;
    let examined = 0;
    let node = this.nextStart;
    let best = -1;
    let bestScore = -Infinity;
    let ties = 0;
    // One pass: filter, and score each feasible node as it is found, in scan order.
    while (examined < n && found < want) {
      const fc = freeCpu[node]!;
      const fm = freeMemory[node]!;
      const fg = freeGpu[node]!;
      if (rc <= fc && rm <= fm && rg <= fg && (mask === undefined || mask[node] === 1)) {
        found++;
        let score: number;
        if (inline) {
          // (capacity - requested) * 100 / capacity per resource, truncated: a quotient in
          // [0, 100], so `| 0` truncates exactly like Go's int64 division.
          let sum = 0;
          if (wc > 0) {
            const cap = capCpu[node]!;
            if (cap > 0) sum += (((fc - rc) * MAX_NODE_SCORE) / cap | 0) * wc;
          }
          if (wm > 0) {
            const cap = capMemory[node]!;
            if (cap > 0) sum += (((fm - rm) * MAX_NODE_SCORE) / cap | 0) * wm;
          }
          if (wg > 0) {
            const cap = capGpu[node]!;
            if (cap > 0) sum += (((fg - rg) * MAX_NODE_SCORE) / cap | 0) * wg;
          }
          score = wsum === 0 ? 0 : Math.trunc(sum / wsum);
        } else {
          score = scoreNode(scoring, weights, cluster, node, request);
        }
        if (score > bestScore) {
          bestScore = score;
          best = node;
          ties = 1;
        } else if (score === bestScore) {
          ties++;
          if (this.tieBreak.int(ties) === 0) best = node;
        }
      }
      examined++;
      node++;
      if (node === n) node = 0;
    }
    this.lastExamined = examined;
    if (n > 0) this.nextStart = (this.nextStart + examined) % n;
    return best;
  }
}

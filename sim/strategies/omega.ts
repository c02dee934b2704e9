import * as z from "zod";
import { Fifo, Phase } from "../engine/index.ts";
import { Ev } from "../metrics/log.ts";
import { ClaimDelta, COMMIT_MODES, commitTransaction, CONFLICT_MODES, oneNodeSync, type SyncedSeqs } from "../model/claims.ts";
import { memberCount, memberRequest, podCount, podEnd, podFirst, podRequest, type Group } from "../model/group.ts";
import { MemberFlags } from "../model/member-flags.ts";
import { PodArrivals } from "./kube/arrivals.ts";
import { planPods } from "./omega/pods.ts";
import { add, sum } from "../model/resources.ts";
import { groupRequest } from "../model/group-store.ts";
import { makePlacer, PLACEMENTS, type Placer } from "./omega/placement.ts";
import { assignOwners, decisionOf, decisionSeconds, type Strategy, type StrategyContext, type StrategyDefinition } from "./strategy.ts";
import { perClassCount } from "./per-class.ts";

import { interval, nonNegative } from "../workload/numbers.ts";

export const omegaParams = z
  .object({
    /**
     * Parallel schedulers sharing the cell, per scheduler class: a number (each
     * class gets that many) or one count per class name (e.g. {"batch": 3,
     * "service": 1}, the Omega paper's set-up). Groups go to their `scheduler`,
     * else round-robin among their class's schedulers.
     */
    schedulers: perClassCount.default(2),
    placement: z.enum(PLACEMENTS).default("random-first-fit"),
    conflict: z.enum(CONFLICT_MODES).default("resource-fit"),
    /**
     * Under `sequence-numbers`: whether a task ending on a node also moves its
     * sequence number (coarser: more conflicts). Default false, as the Omega
     * simulator, where only an applied claim does.
     */
    seqOnRelease: z.boolean().default(false),
    commit: z.enum(COMMIT_MODES).default("incremental"),
    /**
     * How a gang's Pods are committed: `all-or-nothing` (default), every Pod
     * in one transaction that any conflicting claim aborts; `incremental`,
     * Pods placed as they exist, conflicting ones retried (the Omega paper's
     * two modes). A job's Pods are always incremental.
     */
    gangCommit: z.enum(COMMIT_MODES).default("all-or-nothing"),
    /** Seconds before a conflicted, rolled-back or unplaceable group is tried again. */
    /** Seconds from a node failure until the schedulers learn its tasks are lost (default as kube's 40 + 300 s). */
    failureDetection: nonNegative.default(340),
    retryDelay: interval.default(1),
    /** Give up after this many attempts... */
    maxAttempts: z.number().int().positive().default(1000),
    /** ...or after this many with nothing of the group placed (the Omega simulator's limits). */
    maxAttemptsUnplaced: z.number().int().positive().default(100),
  })
  .strict();

export type OmegaParams = z.infer<typeof omegaParams>;

type Phase_ = "idle" | "queued" | "attempting" | "retry" | "placed" | "gone";

interface GroupState {
  readonly group: Group;
  readonly scheduler: number;
  arrivedCount: number;
  runningCount: number;
  /** The node the group's running members are on, or -1 (colocate). */
  node: number;
  /** Gang or job: which Pods run. */
  readonly podRunning: Uint8Array | undefined;
  attempts: number;
  phase: Phase_;
}

type Plan =
  | { readonly kind: "claims"; readonly claims: ClaimDelta[]; readonly synced: SyncedSeqs; readonly pods?: boolean }
  | { readonly kind: "rollback"; readonly node: number }
  | { readonly kind: "none" };

interface Scheduler {
  readonly id: number;
  readonly queue: Fifo<GroupState>;
  readonly place: Placer;
  busy: boolean;
  kicked: boolean;
}

/**
 * Omega: several schedulers place groups in parallel on the shared cell
 * state, optimistically. An attempt syncs (reads the live state and the
 * sequence numbers of the nodes it will claim), decides for
 * tJob + tTask x members, then commits its claims as a transaction that may
 * conflict. Co-location is optimistic too (incremental commit): members are
 * placed as they arrive on the group's node, and a member that cannot join
 * rolls the group back (its running members are killed) to be placed whole
 * again. With all-or-nothing commit a group is claimed only once complete,
 * in one transaction.
 */
class Omega implements Strategy {
  readonly wholeGroups: boolean;
  readonly failureDetection: number;
  private readonly states: GroupState[];
  /** Per member of every group: arrived, and running (its own claim committed). */
  private readonly arrived: MemberFlags;
  private readonly running: MemberFlags;
  private readonly schedulers: Scheduler[];
  /** The sequence numbers `sequence-numbers` validates against. */
  private readonly seqs: Float64Array;
  /** Which Pods of gangs and jobs exist. */
  private readonly arrivals: PodArrivals;

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: OmegaParams,
  ) {
    const multiPod = ctx.groups.some((g) => g.pods !== undefined);
    this.wholeGroups = params.commit === "all-or-nothing" && (!multiPod || params.gangCommit === "all-or-nothing");
    this.arrivals = new PodArrivals(ctx.groups);
    this.failureDetection = params.failureDetection;
    this.seqs = params.seqOnRelease ? ctx.cluster.seq : ctx.cluster.claimSeq;
    const owners = assignOwners(ctx, params.schedulers, "strategies.omega.schedulers", (g) => g.scheduler);
    this.schedulers = Array.from({ length: owners.classOf.length }, (_, id) => ({
      id,
      queue: new Fifo<GroupState>(),
      place: makePlacer(params.placement, ctx.cluster, ctx.rng.stream(`omega/scheduler-${id}`)),
      busy: false,
      kicked: false,
    }));
    this.arrived = new MemberFlags(ctx.groups);
    this.running = new MemberFlags(ctx.groups);
    this.states = ctx.groups.map((group) => {
      const scheduler = owners.ownerOf[group.index]!;
      const podRunning = group.pods === undefined ? undefined : new Uint8Array(podCount(group));
      return { group, scheduler, arrivedCount: 0, runningCount: 0, node: -1, podRunning, attempts: 0, phase: "idle" };
    });
    for (const s of this.schedulers) ctx.log.push(0, Ev.SchedulerUp, -1, -1, s.id, owners.classOf[s.id]!);
  }

  onSubmit(): void {}

  onMemberArrival(group: Group, member: number): void {
    const g = this.states[group.index]!;
    if (g.podRunning !== undefined) {
      this.podArrival(g, member);
      return;
    }
    this.arrived.set(group.index, member);
    g.arrivedCount++;
    const complete = g.arrivedCount === memberCount(group);
    if (complete) {
      const { sim, log, cluster, podOverhead } = this.ctx;
      log.push(sim.now, Ev.Created, group.index);
      if (!cluster.fitsAnyNode(add(groupRequest(group), podOverhead), group.selector)) {
        this.end(g, Ev.Unschedulable);
        return;
      }
    }
    if (g.phase === "idle" && (complete || this.params.commit === "incremental")) this.enqueue(g);
  }

  /** A member of a gang or job arrived: its Pod may now exist. */
  private podArrival(g: GroupState, member: number): void {
    const group = g.group;
    const p = this.arrivals.arrive(group, member);
    if (p < 0) return;
    const { sim, log, cluster, podOverhead } = this.ctx;
    const all = this.arrivals.allComplete(group);
    if (all) log.push(sim.now, Ev.Created, group.index);
    if (!cluster.fitsAnyNode(podRequest(group, p, podOverhead), group.selector)) {
      this.end(g, Ev.Unschedulable);
      return;
    }
    if (g.phase === "idle" && (all || !this.allOrNothing(group))) this.enqueue(g);
  }

  /** Whether the group's Pods are committed in one all-or-nothing transaction. */
  private allOrNothing(group: Group): boolean {
    return group.kind === "gang" && this.params.gangCommit === "all-or-nothing";
  }

  /** Pods of a gang or job to place in this attempt: those that exist and do not run. */
  private podsToPlace(g: GroupState): number[] {
    const out: number[] = [];
    const running = g.podRunning!;
    for (let p = 0; p < running.length; p++) if (!running[p] && this.arrivals.isComplete(g.group, p)) out.push(p);
    return out;
  }

  onFreed(): void {}

  onNodeDown(): void {}

  onLost(group: Group): void {
    const g = this.states[group.index]!;
    this.arrived.clear(group.index);
    g.arrivedCount = 0;
    this.running.clear(group.index);
    g.runningCount = 0;
    g.node = -1;
    g.podRunning?.fill(0);
    this.arrivals.reset(group);
    g.phase = "idle";
  }

  private enqueue(g: GroupState): void {
    g.phase = "queued";
    const s = this.schedulers[g.scheduler]!;
    s.queue.push(g);
    this.kick(s);
  }

  private kick(s: Scheduler): void {
    if (s.busy || s.kicked) return;
    s.kicked = true;
    this.ctx.sim.after(0, Phase.Decision, () => {
      s.kicked = false;
      this.startAttempt(s);
    });
  }

  /** Members to place in this attempt: those arrived and not running. */
  private toPlace(g: GroupState): number[] {
    const out: number[] = [];
    const index = g.group.index;
    for (let m = 0, n = memberCount(g.group); m < n; m++) if (this.arrived.has(index, m) && !this.running.has(index, m)) out.push(m);
    return out;
  }

  private startAttempt(s: Scheduler): void {
    if (s.busy) return;
    let g = s.queue.shift();
    // Skip entries of groups that were lost (and reset) after they were queued.
    while (g !== undefined && g.phase !== "queued") g = s.queue.shift();
    if (g === undefined) return;
    const { sim, log } = this.ctx;
    s.busy = true;
    g.phase = "attempting";
    g.attempts++;
    let units: number;
    let plan: Plan;
    if (g.podRunning !== undefined) {
      const pods = this.podsToPlace(g);
      const pp = planPods(this.ctx.cluster, this.seqs, s.place, g.group, pods, this.ctx.podOverhead, this.allOrNothing(g.group));
      plan = pp.claims.length === 0 ? { kind: "none" } : { kind: "claims", claims: pp.claims, synced: pp.synced, pods: true };
      units = pods.length;
    } else {
      const members = this.toPlace(g);
      plan = this.plan(s, g, members);
      units = members.length;
    }
    log.push(sim.now, Ev.Attempt, g.group.index, plan.kind === "claims" ? plan.claims[0]!.node : -1, s.id);
    const seconds = decisionSeconds(decisionOf(this.ctx, g.group), units);
    sim.after(seconds, Phase.Decision, () => {
      const useful = this.commit(g, plan);
      log.push(sim.now, Ev.Busy, g.group.index, -1, s.id, seconds, useful ? 1 : 0);
      s.busy = false;
      this.startAttempt(s);
    });
  }

  /** Sync: decide on the live state, remembering the sequence numbers of the node claimed. */
  private plan(s: Scheduler, g: GroupState, members: readonly number[]): Plan {
    const { cluster, podOverhead } = this.ctx;
    const requests = members.map((m) => memberRequest(g.group, m));
    if (g.node >= 0) {
      if (!cluster.fits(g.node, sum(requests))) return { kind: "rollback", node: g.node };
      const claims = members.map((m, i) => new ClaimDelta(g.node, requests[i]!, m));
      return { kind: "claims", claims, synced: oneNodeSync(g.node, this.seqs[g.node]!) };
    }
    // Nothing runs yet: the first claim carries the Pod overhead.
    const withOverhead = requests.map((r, i) => (i === 0 ? add(r, podOverhead) : r));
    const selector = g.group.selector;
    const mask = selector === undefined ? undefined : cluster.selectorMask(selector);
    const node = members.length === 0 ? -1 : s.place(sum(withOverhead), mask);
    if (node < 0) return { kind: "none" };
    const claims = members.map((m, i) => new ClaimDelta(node, withOverhead[i]!, m));
    return { kind: "claims", claims, synced: oneNodeSync(node, this.seqs[node]!) };
  }

  /** Commit: apply the transaction; returns whether it placed anything. */
  private commit(g: GroupState, plan: Plan): boolean {
    const { sim, log, cluster, lifecycle } = this.ctx;
    const now = sim.now;
    if (g.phase !== "attempting") return false;
    if (plan.kind === "rollback") {
      log.push(now, Ev.Rollback, g.group.index, plan.node);
      lifecycle.killGroup(g.group);
      this.running.clear(g.group.index);
      g.runningCount = 0;
      g.node = -1;
      this.failed(g);
      return false;
    }
    if (plan.kind === "none") {
      this.failed(g);
      return false;
    }
    if (plan.pods === true) return this.commitPods(g, plan.claims, plan.synced);
    const result = commitTransaction(cluster, plan.claims, plan.synced, this.params.conflict, this.params.commit, this.seqs);
    for (const claim of result.committed) {
      this.running.set(g.group.index, claim.tag);
      g.runningCount++;
      g.node = claim.node;
      lifecycle.startClaimed(g.group, 1, claim.node, claim.request, claim.handle);
    }
    // As the Omega simulator counts (OmegaSimulation.scala, handleJob): a transaction with
    // any conflicted claim is a failed (conflicted) transaction, in both commit modes, even
    // when incremental commit kept its other claims; only a clean one is successful.
    if (result.failed.length > 0) {
      log.push(now, Ev.Conflict, g.group.index, plan.claims[0]!.node, g.scheduler, result.committed.length);
      this.failed(g);
      return result.committed.length > 0;
    }
    log.push(now, Ev.Commit, g.group.index, plan.claims[0]!.node, g.scheduler, result.committed.length);
    if (g.runningCount === memberCount(g.group)) {
      g.phase = "placed";
    } else if (this.toPlace(g).length > 0) {
      this.enqueue(g);
    } else {
      g.phase = "idle";
    }
    return result.committed.length > 0;
  }

  /** Commits the Pods of a gang or job; returns whether it placed any. */
  private commitPods(g: GroupState, claims: readonly ClaimDelta[], synced: SyncedSeqs): boolean {
    const { sim, log, cluster, lifecycle } = this.ctx;
    const group = g.group;
    if (lifecycle.isDone(group.index)) {
      // A gang that ran its duration with minMember Pods: the rest are no longer needed.
      g.phase = "placed";
      return false;
    }
    const mode = this.allOrNothing(group) ? "all-or-nothing" : "incremental";
    const result = commitTransaction(cluster, claims, synced, this.params.conflict, mode, this.seqs);
    for (const claim of result.committed) {
      const p = claim.tag;
      g.podRunning![p] = 1;
      g.runningCount++;
      lifecycle.startClaimed(group, podEnd(group, p) - podFirst(group, p), claim.node, claim.request, claim.handle, podFirst(group, p));
    }
    if (result.failed.length > 0) {
      log.push(sim.now, Ev.Conflict, group.index, claims[0]!.node, g.scheduler, result.committed.length);
      this.failed(g);
      return result.committed.length > 0;
    }
    log.push(sim.now, Ev.Commit, group.index, claims[0]!.node, g.scheduler, result.committed.length);
    if (g.runningCount === podCount(group)) g.phase = "placed";
    else if (this.podsToPlace(g).length > 0 && (!this.allOrNothing(group) || this.arrivals.allComplete(group))) this.enqueue(g);
    else g.phase = "idle";
    return result.committed.length > 0;
  }

  /** A failed attempt: try again after retryDelay, or give up (the Omega simulator's limits). */
  private failed(g: GroupState): void {
    const p = this.params;
    if (g.attempts > p.maxAttempts || (g.attempts > p.maxAttemptsUnplaced && g.runningCount === 0)) {
      this.end(g, Ev.Abandon);
      return;
    }
    g.phase = "retry";
    this.ctx.sim.after(p.retryDelay, Phase.Arrival, () => {
      if (g.phase === "retry") this.enqueue(g);
    });
  }

  /** Ends the group (abandoned or unschedulable), killing whatever of it runs. */
  private end(g: GroupState, kind: typeof Ev.Abandon | typeof Ev.Unschedulable): void {
    const { sim, log, lifecycle } = this.ctx;
    if (g.runningCount > 0) lifecycle.killGroup(g.group);
    this.running.clear(g.group.index);
    g.runningCount = 0;
    g.node = -1;
    g.podRunning?.fill(0);
    g.phase = "gone";
    log.push(sim.now, kind, g.group.index);
  }
}

export const omega = {
  id: "omega",
  summary: "Omega shared state: parallel optimistic schedulers commit transactions; conflicts and broken co-location roll back",
  params: omegaParams,
  create: (ctx, params) => new Omega(ctx, params),
} satisfies StrategyDefinition<OmegaParams>;


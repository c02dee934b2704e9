import { Phase, type Rng } from "../../engine/index.ts";
import { Ev } from "../../metrics/log.ts";
import { podEnd, podFirst, podRequest, type Group } from "../../model/group.ts";
import type { Resources } from "../../model/resources.ts";
import { numFeasibleNodesToFind } from "../scoring.ts";
import { decisionOf, decisionSeconds, type DecisionTime, type StrategyContext } from "../strategy.ts";
import { profileOf, type PodSchedulerParams } from "./params.ts";
import type { Pod } from "./pod.ts";
import type { GangPlugin, WaitingPods } from "./plugins.ts";
import { Reservations } from "./reservations.ts";
import { findPreemption, type Candidate, type PreemptionView } from "./preemption.ts";
import { NodeScan } from "./node-scan.ts";
import { NonZeroExtras } from "./non-zero-extras.ts";
import { BoundPods, preemptionPossible } from "./bound-pods.ts";
import { compileProfile, membersNonZeroRequest } from "./profile.ts";
import { SchedulingQueue } from "./queue.ts";
import { GroupPods } from "./group-pods.ts";
import { Nominations } from "./nominations.ts";

/** What a cycle decided on its snapshot: a node, or a preemption, or neither (`preFiltered`: rejected before filtering). */
type Decision = { readonly node: number; readonly preempt?: Candidate | undefined; readonly preFiltered?: boolean };


/**
 * kube-scheduler's scheduling cycle over the scheduling queue (queue.ts), one
 * Pod at a time (Kubernetes v1.34, pkg/scheduler/schedule_one.go):
 *
 * - The cycle takes its snapshot when it starts: filtering, scoring and any
 *   preemption are decided on the cluster as it was then, so a release during
 *   the cycle does not help it. The decision takes effect when the cycle's
 *   decision time has passed (the Pod is bound, or fails and goes back to the
 *   queue, its victims start terminating).
 * - Filter: NodeResourcesFit (requests, and at most `pods` Pods per node), the
 *   group's node selector, and Pods nominated to the node with at least the
 *   Pod's priority counted as if running. A nominated Pod tries its nominated
 *   node first. The scan starts at a rotating index and stops after
 *   numFeasibleNodesToFind feasible nodes.
 * - Score: the profile's plugins (profile.ts), summed with their weights; the
 *   best node wins, ties broken uniformly by the seeded stream (reservoir of
 *   one, as selectHost).
 * - PostFilter: DefaultPreemption (preemption.ts).
 * - With a gang plugin (plugins.ts, Coscheduling): its QueueSort, PreFilter,
 *   PostFilter and Permit. A Pod told to wait at Permit keeps its node's
 *   resources reserved (logged as a hold) until the plugin allows it (it is
 *   then bound and runs) or rejects it, or its wait times out (then it is
 *   rejected, and the plugin's Unreserve runs); a rejected Pod goes back to
 *   the queue through backoff.
 */
export class PodScheduler {
  readonly queue: SchedulingQueue;
  /** Filter and score: the scan over the nodes, and where it starts next. */
  private readonly scan: NodeScan;
  /** Per node: Pods bound there. */
  private readonly podCount: Uint32Array;
  /** Per node, how far bound Pods' non-zero requests exceed their requests (for scoring). */
  private readonly extras: NonZeroExtras;
  /** The bound Pods as preemption reads them; undefined where no Pod can preempt another. */
  private readonly bound: BoundPods | undefined;
  private readonly nominations = new Nominations();
  private readonly podsOf: GroupPods;
  /** single-path: the one decision time every Pod takes (the slowest class's); multi-path: undefined. */
  private readonly singlePath: DecisionTime | undefined;
  private readonly preemptRng: Rng;
  private readonly preemptionView: PreemptionView;
  private nextOrder = 0;
  /** Pods waiting at Permit, and what they reserve. */
  private readonly waiting: Reservations;
  private readonly plugin: GangPlugin | undefined;
  /** The framework's waiting-Pods handle, given to the plugin. */
  private readonly waitingPods: WaitingPods;
  private busy = false;
  private kicked = false;
  /** The cycle in flight (one at a time, while `busy`): its Pod, its decision and how long it takes. */
  private cyclePod: Pod | undefined;
  private cycleDecision: Decision = { node: -1 };
  private cycleSeconds = 0;
  /** The actions of the events that start a cycle at this instant and end the one in flight: made once, not per cycle. */
  private readonly onKick = (): void => {
    this.kicked = false;
    this.startCycle();
  };
  private readonly onCycleEnd = (): void => {
    const pod = this.cyclePod!;
    this.cyclePod = undefined;
    this.endCycle(pod, this.cycleDecision, this.cycleSeconds);
  };

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: PodSchedulerParams,
    private readonly onBind: (pod: Pod, node: number) => void,
    plugin?: (waiting: WaitingPods) => GangPlugin,
  ) {
    const n = ctx.cluster.size;
    // In the cluster's arena, where the scan kernel reads them.
    this.podCount = ctx.cluster.arena.u32();
    this.extras = new NonZeroExtras(ctx.cluster.arena);
    this.bound = preemptionPossible(params.preemption, ctx.groups) ? new BoundPods(n) : undefined;
    this.podsOf = new GroupPods(ctx.groups.length);
    const scorer = compileProfile(profileOf(params), { cluster: ctx.cluster, nonZeroExtraCpu: this.extras.cpu, nonZeroExtraMemory: this.extras.memory });
    const nodes = { cluster: ctx.cluster, podCount: this.podCount, nonZeroExtraCpu: this.extras.cpu, nonZeroExtraMemory: this.extras.memory, extraNodes: () => this.extras.nodes(), nominatedOn: this.nominations.byNode, nominatedUse: (node: number, priority: number, pod: Pod, out: Float64Array) => this.nominations.use(node, priority, pod, out) };
    this.scan = new NodeScan(nodes, scorer, numFeasibleNodesToFind(n, params.percentageOfNodesToScore), ctx.rng.stream("kube/tie-break"));
    this.preemptRng = ctx.rng.stream("kube/preemption");
    this.waiting = new Reservations(ctx.sim, ctx.cluster, ctx.log);
    this.waitingPods = {
      of: (group) => this.podsOf.of(group.index).filter((p) => p.state === "waiting"),
      allow: (pod) => this.allowWaiting(pod),
      reject: (pod) => {
        if (this.waiting.has(pod)) this.ctx.log.push(this.ctx.sim.now, Ev.PermitReject, pod.group.index, pod.node, pod.index);
        this.rejectWaiting(pod);
      },
    };
    this.plugin = plugin?.(this.waitingPods);
    this.queue = new SchedulingQueue(ctx.sim, params, () => this.kick(), this.plugin?.sort);
    this.preemptionView = {
      cluster: ctx.cluster,
      podsOn: (node) => this.bound?.on(node) ?? [],
      nominatedUse: (node, priority, pod, out) => void this.nominations.use(node, priority, pod, out),
      // A failed node is no candidate: nothing new is placed there (the node is tainted not-ready).
      possible: (node, pod) => ctx.cluster.up[node] === 1 && ctx.cluster.fitsCapacity(node, pod.request) && (pod.mask === undefined || pod.mask[node] === 1),
    };
    // One scheduler serving every class (class -1 in its SchedulerUp).
    ctx.log.push(0, Ev.SchedulerUp, -1, -1, 0, ctx.classes.length > 1 ? -1 : 0);
    this.singlePath = params.decisionPath === "single-path" ? ctx.classes.reduce((a, c) => (c.decision.tJob > a.tJob ? c.decision : a), ctx.classes[0]!.decision) : undefined;
  }

  /**
   * Creates a Pod and queues it. A Pod that fits no node even when empty is
   * rejected at once: its group is logged unschedulable and false is returned.
   */
  submit(group: Group, firstMember: number, members: number, request: Resources, nonZero: Resources, index = 0): boolean {
    const { sim, cluster, log } = this.ctx;
    if (!cluster.fitsAnyNode(request, group.selector)) {
      log.push(sim.now, Ev.Unschedulable, group.index);
      return false;
    }
    const pod: Pod = {
      group,
      index,
      firstMember,
      members,
      request,
      // The same values when every container asks for cpu and memory (as a rule): one object then, kept as long as the Pod.
      nonZero: nonZero.cpu === request.cpu && nonZero.memory === request.memory && request.gpu === 0 ? request : nonZero,
      mask: group.selector === undefined ? undefined : cluster.selectorMask(group.selector),
      order: this.nextOrder++,
      createdAt: sim.now,
      timestamp: sim.now,
      attempts: 0,
      state: "active",
      token: 0,
      node: -1,
      boundAt: NaN,
      nominated: -1,
      terminating: false,
      prevOnNode: undefined,
      nextOnNode: undefined,
    };
    const siblings = this.podsOf.add(pod);
    this.plugin?.podCreated(pod);
    this.queue.add(pod);
    // A sibling Pod was created: the group's Pods rejected for want of it may move (Coscheduling registers Pod/Add).
    if (this.plugin !== undefined && siblings) this.queue.podAdded(group.index);
    return true;
  }

  /** Creates and queues Pod `p` of the group, whole (its containers; the Pod overhead counted). */
  submitPod(group: Group, p: number): boolean {
    const overhead = this.ctx.podOverhead;
    const first = podFirst(group, p);
    const end = podEnd(group, p);
    return this.submit(group, first, end - first, podRequest(group, p, overhead), membersNonZeroRequest(group, first, end, overhead), p);
  }

  /** Moves the Pods of `group` that wait in backoff or among the unschedulable straight to activeQ (PodsToActivate). */
  activateSiblings(group: Group, except: Pod): void {
    for (const pod of this.podsOf.of(group.index)) if (pod !== except) this.queue.activate(pod);
  }

  /** The Pod's reservation at Permit becomes a binding: the hold is released and the Pod runs. */
  private allowWaiting(pod: Pod): void {
    if (!this.waiting.release(pod)) return;
    pod.state = "bound";
    this.onBind(pod, pod.node);
  }

  /** The waiting Pod is rejected: its hold is released, it is unbound and requeued, and the plugin's Unreserve runs. */
  private rejectWaiting(pod: Pod): void {
    if (!this.waiting.release(pod)) return;
    this.unbind(pod);
    // Forgetting an assumed Pod counts as an assigned-Pod deletion for the other Pods (handleBindingCycleError).
    this.queue.assignedPodDeleted();
    this.queue.rejected(pod);
    this.plugin?.unreserve(pod);
  }

  /** Permit said wait: the Pod is assumed on the node (its resources reserved) until allowed, rejected, or `timeout`. */
  private waitAtPermit(pod: Pod, node: number, timeout: number): void {
    this.bind(pod, node);
    pod.state = "waiting";
    this.waiting.reserve(pod, timeout, () => this.rejectWaiting(pod));
  }

  /** Reserved resources on `node` (Pods waiting at Permit): its node failed, so they are rejected. */
  onNodeDown(node: number): void {
    for (const pod of this.waiting.on(node)) this.rejectWaiting(pod);
  }

  /**
   * The group's Pods on `node` released their resources (they ended; `index`:
   * only that Pod of a job): an assigned-Pod deletion for the queue. A group
   * whose run is over (a gang's duration ended) is forgotten, with Pods of it
   * still queued.
   */
  onFreed(node: number, group?: Group, index?: number): void {
    if (group === undefined) {
      // The node is back from a failure, empty: a node added.
      const { cluster } = this.ctx;
      this.queue.nodeAdded((pod) => cluster.fitsCapacity(node, pod.request) && (pod.mask === undefined || pod.mask[node] === 1));
      return;
    }
    for (const pod of this.podsOf.of(group.index)) {
      if (pod.state !== "bound" || pod.node !== node || (index !== undefined && pod.index !== index)) continue;
      this.unbind(pod);
      this.plugin?.podDeleted(pod);
    }
    if (this.ctx.lifecycle.isDone(group.index)) this.forget(group);
    this.queue.assignedPodDeleted();
  }

  /** Drops every Pod of the group, wherever it is (its group was lost or evicted). */
  forget(group: Group): void {
    const pods = this.podsOf.drop(group.index);
    if (pods === undefined) return;
    for (const pod of pods) {
      this.waiting.release(pod);
      if (pod.state === "bound" || pod.state === "waiting") this.unbind(pod);
      this.nominations.clear(pod);
      this.queue.forget(pod);
    }
    this.plugin?.forget(group);
  }

  private bind(pod: Pod, node: number): void {
    this.nominations.clear(pod);
    pod.state = "bound";
    pod.node = node;
    pod.boundAt = this.ctx.sim.now;
    this.podCount[node]!++;
    this.extras.add(node, pod.nonZero.cpu - pod.request.cpu, pod.nonZero.memory - pod.request.memory);
    this.bound?.add(pod);
  }

  private unbind(pod: Pod): void {
    const node = pod.node;
    this.podCount[node]!--;
    this.scan.podLeft(node);
    this.extras.add(node, -(pod.nonZero.cpu - pod.request.cpu), -(pod.nonZero.memory - pod.request.memory));
    this.bound?.remove(pod);
    pod.node = -1;
    pod.state = "forgotten";
  }

  /** Starts a cycle at this instant, after every arrival of the instant is queued. */
  private kick(): void {
    if (this.busy || this.kicked) return;
    this.kicked = true;
    this.ctx.sim.after(0, Phase.Decision, this.onKick);
  }

  private startCycle(): void {
    if (this.busy) return;
    const pod = this.queue.pop();
    if (pod === undefined) return;
    this.busy = true;
    // The snapshot is taken now: the cycle decides on the cluster as it is at its start.
    const decision = this.decide(pod);
    const seconds = decisionSeconds(this.singlePath ?? decisionOf(this.ctx, pod.group), 1);
    this.cyclePod = pod;
    this.cycleDecision = decision;
    this.cycleSeconds = seconds;
    this.ctx.sim.after(seconds, Phase.Decision, this.onCycleEnd);
  }

  private decide(pod: Pod): Decision {
    if (this.plugin !== undefined && !this.plugin.preFilter(pod)) return { node: -1, preFiltered: true };
    const node = this.selectNode(pod);
    if (node >= 0) return { node };
    return { node: -1, preempt: this.params.preemption && this.anyBoundBelow(pod.group.priority) && this.eligibleToPreempt(pod) ? findPreemption(this.preemptionView, pod, this.preemptRng) : undefined };
  }

  /** Whether some bound Pod has a lower priority (else no node can have a victim: the dry run would find none). */
  private anyBoundBelow(priority: number): boolean {
    return this.bound?.anyBelow(priority) ?? false;
  }

  /** PodEligibleToPreemptOthers: not while victims of its own earlier preemption are still terminating on its nominated node. */
  private eligibleToPreempt(pod: Pod): boolean {
    if (pod.nominated < 0) return true;
    for (const q of this.bound?.on(pod.nominated) ?? []) if (q.terminating && q.group.priority < pod.group.priority) return false;
    return true;
  }

  private endCycle(pod: Pod, decision: Decision, seconds: number): void {
    const { sim, log, cluster } = this.ctx;
    if (pod.state === "forgotten") {
      // Its group was lost while this cycle ran: the decision is wasted.
      log.push(sim.now, Ev.Busy, pod.group.index, -1, 0, seconds, 0);
      this.busy = false;
      this.startCycle();
      return;
    }
    let node = decision.node;
    // The chosen node may have failed while the cycle ran: the binding fails.
    if (node >= 0 && !(cluster.up[node] === 1 && cluster.fits(node, pod.request))) node = -1;
    log.push(sim.now, Ev.Attempt, pod.group.index, node);
    log.push(sim.now, Ev.Busy, pod.group.index, node, 0, seconds, node >= 0 ? 1 : 0);
    if (node >= 0) {
      this.queue.done(pod);
      const verdict = this.plugin?.permit(pod);
      if (verdict?.kind === "wait") this.waitAtPermit(pod, node, verdict.timeout);
      else {
        this.bind(pod, node);
        this.onBind(pod, node);
      }
    } else {
      if (!decision.preFiltered) this.plugin?.postFilter(pod);
      if (decision.preempt !== undefined) this.preempt(pod, decision.preempt);
      // PostFilter may have rejected siblings; the Pod itself may have been forgotten meanwhile.
      if (pod.state === "inflight") this.queue.failed(pod);
    }
    this.busy = false;
    this.startCycle();
  }

  /** The victims start terminating; their resources are free after the grace period. The preemptor is nominated to the node. */
  private preempt(pod: Pod, c: Candidate): void {
    const { sim, log, lifecycle } = this.ctx;
    this.nominations.nominate(pod, c.node);
    const groups = new Set<Group>();
    for (const victim of c.victims) {
      if (victim.terminating || victim.state !== "bound") continue;
      victim.terminating = true;
      groups.add(victim.group);
    }
    for (const group of groups) {
      log.push(sim.now, Ev.Preempted, group.index, c.node, pod.group.index);
      sim.after(this.params.terminationGracePeriodSeconds, Phase.Release, () => {
        // Still running (it did not finish on its own meanwhile): the victim is deleted.
        if (!this.podsOf.of(group.index).some((p) => p.terminating && p.state === "bound")) return;
        lifecycle.killGroup(group);
        this.ctx.evicted(group);
      });
    }
  }

  /** Filter then score (NodeScan.select); -1 when no node fits. */
  selectNode(pod: Pod): number {
    return this.scan.select(pod);
  }

  /** Nodes examined by the last filter pass (for tests of percentageOfNodesToScore). */
  get lastExamined(): number {
    return this.scan.lastExamined;
  }
}

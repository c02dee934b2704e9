import { Phase, type Simulator } from "../../engine/index.ts";
import { DeadlockResolution, Ev, type EventLog } from "../../metrics/log.ts";
import type { Cluster } from "../../model/cluster.ts";
import { podCount, podEnd, podFirst, podRequest, quorum, type Group } from "../../model/group.ts";
import type { Lifecycle } from "../../model/lifecycle.ts";
import { add, sub, ZERO, type Resources } from "../../model/resources.ts";
import { PodArrivals } from "../kube/arrivals.ts";
import type { OfferBatch } from "./offers.ts";
import { DEADLOCK_EVENTS, STALL_EVENTS } from "./deadlock.ts";
import { GangBook, stuckGangs, type GangWaiter } from "./gang-deadlock.ts";
import type { MesosParams } from "./params.ts";
import { abortBackoffSeconds, wholeGpus, type Framework, type Hold } from "./state.ts";

/** A gang (or job) framework's view of one of its groups: where each Pod holds room or runs. */
interface Gang {
  readonly group: Group;
  readonly framework: number;
  /** Each Pod's request, in whole GPUs as Mesos offers them. */
  readonly pods: readonly Resources[];
  /** Per Pod: the node it holds room on or runs on (-1: none), its hold, whether it runs. */
  readonly node: Int32Array;
  readonly hold: (Hold | undefined)[];
  readonly running: Uint8Array;
  status: "unknown" | "pending" | "launched" | "backoff" | "unschedulable";
  heldPods: number;
  aborts: number;
}

/** One step of a framework's answer for its gangs: hold room for a Pod on a node, or launch a Pod there. */
export interface GangAction {
  readonly group: number;
  readonly pod: number;
  readonly node: number;
  readonly kind: "hold" | "launch";
}

/** What the mesos strategy lends the gang frameworks. */
export interface GangHost {
  readonly sim: Simulator;
  readonly cluster: Cluster;
  readonly lifecycle: Lifecycle;
  readonly log: EventLog;
  readonly podOverhead: Resources;
  readonly frameworks: readonly Framework[];
  /** A new hold id, unique in the run. */
  holdId(): number;
  /** The node's offers should be reconsidered; the framework's interest changed; it revives offers. */
  markChanged(node: number): void;
  interestChanged(): void;
  newWork(framework: number): void;
  /** Deadlock and stall ids, shared with the per-node books. */
  readonly deadlockIds: { next: number };
  readonly stallIds: { next: number };
}

/**
 * Mesos frameworks running gangs and jobs (groups of Pods on any nodes). A
 * gang's framework takes from each offer room for one Pod at a time, on any
 * offered node, and keeps it (a hold) until it holds room for minMember
 * Pods whose containers all arrived; it then launches them together, and
 * any later Pod as soon as an offer fits it. A job's framework launches each
 * Pod as soon as an offer fits it. Holding across nodes is hold-and-wait
 * across nodes: two gangs each holding part of the cluster can wait for each
 * other forever. The detector (gang-deadlock.ts) reduces the waiting gangs
 * cluster-wide after every change of holds, and records deadlocks (two or
 * more gangs) and stalls (one gang that cannot fit even alone) with every
 * node involved; `onDeadlock: abort-youngest` aborts the youngest stuck gang.
 *
 * Simplified: a hold is exactly one Pod's request (whole-offer hoarding is
 * for colocate groups); with target "arrived" (the default) a framework
 * holds room only for Pods whose containers all arrived.
 */
export class GangFrameworks {
  private readonly gangs = new Map<number, Gang>();
  private readonly arrivals: PodArrivals;
  /** Pending gangs (holding room or not) per framework, oldest first. */
  private readonly pendingOf: Gang[][];
  private readonly deadlocks: GangBook;
  private readonly stalls: GangBook;
  private checkQueued = false;

  /** Whether a deadlock check is queued for this instant (the books may lag the holds until it runs). */
  get checkDue(): boolean {
    return this.checkQueued;
  }

  constructor(
    private readonly host: GangHost,
    groups: readonly Group[],
    owner: (g: Group) => number,
    private readonly params: MesosParams,
  ) {
    this.arrivals = new PodArrivals(groups);
    this.pendingOf = host.frameworks.map(() => []);
    for (const group of groups) {
      if (group.pods === undefined) continue;
      const n = podCount(group);
      const pods = Array.from({ length: n }, (_, p) => wholeGpus(podRequest(group, p, host.podOverhead)));
      this.gangs.set(group.index, { group, framework: owner(group), pods, node: new Int32Array(n).fill(-1), hold: new Array<Hold | undefined>(n), running: new Uint8Array(n), status: "unknown", heldPods: 0, aborts: 0 });
    }
    this.deadlocks = new GangBook(host.log, DEADLOCK_EVENTS, host.deadlockIds);
    this.stalls = new GangBook(host.log, STALL_EVENTS, host.stallIds);
  }

  /** Whether the framework has a gang or job that wants offers. */
  wants(f: number): boolean {
    return this.pendingOf[f]!.length > 0;
  }

  arrive(group: Group, member: number): void {
    const gang = this.gangs.get(group.index)!;
    if (gang.status === "unschedulable") return;
    const p = this.arrivals.arrive(group, member);
    if (p < 0) return;
    const { sim, log, cluster } = this.host;
    if (this.arrivals.allComplete(group)) log.push(sim.now, Ev.Created, group.index);
    if (!cluster.fitsAnyNode(gang.pods[p]!, group.selector)) {
      this.giveUp(gang, Ev.Unschedulable);
      return;
    }
    if (gang.status === "unknown") {
      gang.status = "pending";
      this.pend(gang);
    }
  }

  private pend(gang: Gang): void {
    const list = this.pendingOf[gang.framework]!;
    let i = list.length;
    while (i > 0 && list[i - 1]!.group.index > gang.group.index) i--;
    list.splice(i, 0, gang);
    this.host.interestChanged();
    this.host.newWork(gang.framework);
  }

  private unpend(gang: Gang): void {
    const list = this.pendingOf[gang.framework]!;
    const i = list.indexOf(gang);
    if (i >= 0) list.splice(i, 1);
    this.host.interestChanged();
  }

  /** The Pods a framework may act for: not holding, not running, and (target "arrived") existing. */
  private open(gang: Gang, p: number): boolean {
    return gang.node[p] === -1 && (this.params.target === "declared" || this.arrivals.isComplete(gang.group, p));
  }

  /**
   * Plans the framework's answer for its gangs on what of the offers is left
   * (`avail`, per offered node, consumed as planned): oldest gang first,
   * each open Pod on the first offered node with room for it.
   */
  plan(f: number, offers: OfferBatch, avail: Float64Array): GangAction[] {
    const actions: GangAction[] = [];
    const { cluster } = this.host;
    for (const gang of this.pendingOf[f]!) {
      const launched = gang.status === "launched" || gang.group.kind === "job";
      const mask = gang.group.selector === undefined ? undefined : cluster.selectorMask(gang.group.selector);
      for (let p = 0; p < gang.pods.length; p++) {
        if (!this.open(gang, p)) continue;
        const need = gang.pods[p]!;
        for (let i = 0; i < offers.nodes.length; i++) {
          const node = offers.nodes[i]!;
          if (mask !== undefined && mask[node] !== 1) continue;
          if (need.cpu > avail[3 * i]! || need.memory > avail[3 * i + 1]! || need.gpu > avail[3 * i + 2]!) continue;
          avail[3 * i]! -= need.cpu;
          avail[3 * i + 1]! -= need.memory;
          avail[3 * i + 2]! -= need.gpu;
          actions.push({ group: gang.group.index, pod: p, node, kind: launched && this.arrivals.isComplete(gang.group, p) ? "launch" : "hold" });
          break;
        }
      }
    }
    return actions;
  }

  /**
   * Applies the planned actions with what the offers still have (`take`
   * consumes from the offer of a node and says whether it could), then
   * launches every gang that now holds room for minMember existing Pods.
   */
  apply(f: number, actions: readonly GangAction[], take: (node: number, r: Resources) => boolean, offeredAt: number): Set<number> {
    const touched = new Set<number>();
    const { sim, log } = this.host;
    for (const a of actions) {
      const gang = this.gangs.get(a.group)!;
      if ((gang.status !== "pending" && gang.status !== "launched") || this.host.lifecycle.isDone(a.group)) continue;
      if (gang.node[a.pod] !== -1 || this.host.cluster.up[a.node] === 0) continue;
      const need = gang.pods[a.pod]!;
      if (!take(a.node, need)) continue;
      log.push(sim.now, Ev.Attempt, a.group, a.node, f);
      if (a.kind === "launch") this.startPod(gang, a.pod, a.node, need);
      else this.addHold(gang, a.pod, a.node, need, offeredAt);
      touched.add(a.node);
    }
    for (const gang of [...this.pendingOf[f]!]) if (gang.status === "pending") this.tryLaunch(gang);
    this.queueCheck();
    return touched;
  }

  private addHold(gang: Gang, p: number, node: number, resources: Resources, offeredAt: number): void {
    const { sim, log } = this.host;
    const hold: Hold = { id: this.host.holdId(), node, resources, timer: undefined };
    gang.node[p] = node;
    gang.hold[p] = hold;
    gang.heldPods++;
    log.pushResources(sim.now, Ev.HoldStart, gang.group.index, node, hold.id, resources);
    const timeout = this.params.offerTimeout;
    if (timeout !== null) hold.timer = sim.schedule(Math.max(sim.now, offeredAt + timeout), Phase.Release, () => this.rescind(gang, p));
  }

  /** Ends the Pod's hold: its room goes back to the node. */
  private dropHold(gang: Gang, p: number): void {
    const hold = gang.hold[p];
    if (hold === undefined) return;
    const { sim, cluster, log } = this.host;
    if (hold.timer !== undefined) sim.cancel(hold.timer);
    cluster.release(hold.node, hold.resources);
    const fw = this.host.frameworks[gang.framework]!;
    fw.alloc = sub(fw.alloc, hold.resources);
    log.pushResources(sim.now, Ev.HoldEnd, gang.group.index, hold.node, hold.id, hold.resources);
    gang.hold[p] = undefined;
    gang.node[p] = -1;
    gang.heldPods--;
    this.host.markChanged(hold.node);
  }

  private rescind(gang: Gang, p: number): void {
    const hold = gang.hold[p];
    if (hold === undefined) return;
    hold.timer = undefined;
    const { sim, log } = this.host;
    log.pushResources(sim.now, Ev.Rescind, gang.group.index, hold.node, gang.framework, hold.resources);
    this.dropHold(gang, p);
    this.check(DeadlockResolution.Timeout);
  }

  /** A Pod runs on `node`: from its hold, or from an offer (`fromOffer`, already taken from the offer). */
  private startPod(gang: Gang, p: number, node: number, fromOffer: Resources | undefined): void {
    const { cluster, lifecycle } = this.host;
    const fw = this.host.frameworks[gang.framework]!;
    if (fromOffer !== undefined) {
      cluster.release(node, fromOffer);
      fw.alloc = sub(fw.alloc, fromOffer);
    } else this.dropHold(gang, p);
    gang.node[p] = node;
    gang.running[p] = 1;
    const first = podFirst(gang.group, p);
    // Lost with a node that failed meanwhile: nothing starts, and the room goes back to the allocator.
    if (!lifecycle.start(gang.group, podEnd(gang.group, p) - first, node, gang.pods[p]!, first)) this.host.markChanged(node);
    fw.alloc = add(fw.alloc, gang.pods[p]!);
    // Every Pod placed (a job's may have ended already): the group wants no more offers.
    if (gang.hold.every((h) => h === undefined) && gang.node.every((n) => n >= 0)) this.unpend(gang);
  }

  /** A pending gang holding room for minMember existing Pods launches them together. */
  private tryLaunch(gang: Gang): void {
    let ready = 0;
    for (let p = 0; p < gang.pods.length; p++) if (gang.hold[p] !== undefined && this.arrivals.isComplete(gang.group, p)) ready++;
    if (ready < quorum(gang.group)) return;
    gang.status = "launched";
    for (let p = 0; p < gang.pods.length; p++) {
      const hold = gang.hold[p];
      if (hold !== undefined && this.arrivals.isComplete(gang.group, p)) this.startPod(gang, p, hold.node, undefined);
    }
  }

  /** The group's tasks ended (finished or killed) on a node: its running Pods' share leaves the framework's allocation. */
  onFreed(group: Group | undefined, pod: number | undefined): void {
    if (group !== undefined) {
      const gang = this.gangs.get(group.index);
      if (gang !== undefined) {
        const fw = this.host.frameworks[gang.framework]!;
        for (let p = 0; p < gang.pods.length; p++) {
          if (!gang.running[p] || (pod !== undefined && p !== pod)) continue;
          if (pod === undefined && this.host.lifecycle.runningMembers(group.index) > 0) continue;
          gang.running[p] = 0;
          fw.alloc = sub(fw.alloc, gang.pods[p]!);
        }
        if (this.host.lifecycle.isDone(group.index)) this.retire(gang);
      }
    }
    this.queueCheck();
  }

  /** Holds on a failed node are gone; their Pods hold nothing again. */
  onNodeDown(node: number): void {
    for (const list of this.pendingOf) for (const gang of list) for (let p = 0; p < gang.pods.length; p++) if (gang.hold[p]?.node === node) this.dropHold(gang, p);
    this.queueCheck();
  }

  onLost(group: Group): void {
    const gang = this.gangs.get(group.index);
    if (gang === undefined) return;
    const fw = this.host.frameworks[gang.framework]!;
    for (let p = 0; p < gang.pods.length; p++) {
      if (gang.running[p]) fw.alloc = sub(fw.alloc, gang.pods[p]!);
      this.dropHold(gang, p);
    }
    gang.running.fill(0);
    gang.node.fill(-1);
    this.unpend(gang);
    gang.status = "unknown";
    this.arrivals.reset(group);
    this.queueCheck();
  }

  /** The group's run is over: whatever it still holds or waits for goes. */
  private retire(gang: Gang): void {
    for (let p = 0; p < gang.pods.length; p++) this.dropHold(gang, p);
    this.unpend(gang);
  }

  private giveUp(gang: Gang, kind: typeof Ev.Unschedulable | typeof Ev.Abandon): void {
    for (let p = 0; p < gang.pods.length; p++) this.dropHold(gang, p);
    this.unpend(gang);
    gang.status = "unschedulable";
    this.host.log.push(this.host.sim.now, kind, gang.group.index);
    this.queueCheck();
  }

  /** Checks for deadlock once at the end of this instant (after every decision and release of it). */
  private queueCheck(): void {
    // Without gangs or jobs there is nothing to check (and no event to add).
    if (this.checkQueued || this.gangs.size === 0) return;
    this.checkQueued = true;
    this.host.sim.after(0, Phase.Release, () => {
      this.checkQueued = false;
      this.check(DeadlockResolution.Released);
    });
  }

  /** The waiting gangs: pending, holding room for some Pods, short of minMember. */
  waiters(): GangWaiter[] {
    const { cluster } = this.host;
    const out: GangWaiter[] = [];
    for (const list of this.pendingOf) {
      for (const gang of list) {
        if (gang.status !== "pending" || gang.heldPods === 0) continue;
        const held = new Map<number, Resources>();
        for (const hold of gang.hold) if (hold !== undefined) held.set(hold.node, add(held.get(hold.node) ?? ZERO, hold.resources));
        const mask = gang.group.selector === undefined ? undefined : cluster.selectorMask(gang.group.selector);
        out.push({ index: gang.group.index, pods: gang.pods, quorum: quorum(gang.group), held, mask });
      }
    }
    return out.sort((a, b) => a.index - b.index);
  }

  /** Reduces the waiting gangs cluster-wide: two or more stuck together are deadlocked; one alone is stalled. */
  private check(cause: number, causeGroup = -1): void {
    const waiters = this.waiters();
    if (waiters.length === 0 && !this.deadlocks.isOpen && !this.stalls.isOpen) return;
    const { stuck } = stuckGangs(this.host.cluster, waiters);
    // A lone stuck gang cannot fit even with every other resource free: a stall; two or more: a deadlock.
    const alone = stuck.filter((w) => stuckGangs(this.host.cluster, [w]).stuck.length === 1);
    const together = stuck.filter((w) => !alone.includes(w));
    const now = this.host.sim.now;
    this.stalls.update(now, alone, cause, causeGroup);
    this.deadlocks.update(now, together.length >= 2 ? together : [], cause, causeGroup);
    if (together.length < 2 || this.params.onDeadlock !== "abort-youngest") return;
    let youngest = this.gangs.get(together[0]!.index)!;
    for (const w of together) {
      const gang = this.gangs.get(w.index)!;
      if (gang.group.submit > youngest.group.submit || (gang.group.submit === youngest.group.submit && w.index > youngest.group.index)) youngest = gang;
    }
    this.abort(youngest);
    this.check(DeadlockResolution.Aborted, youngest.group.index);
  }

  /** Releases the gang's holds and asks again after a backoff that doubles per abort. */
  private abort(gang: Gang): void {
    for (let p = 0; p < gang.pods.length; p++) this.dropHold(gang, p);
    this.unpend(gang);
    gang.status = "backoff";
    gang.aborts++;
    this.host.sim.after(abortBackoffSeconds(this.params.abortBackoff, gang.aborts), Phase.Arrival, () => {
      if (gang.status !== "backoff") return;
      gang.status = "pending";
      this.pend(gang);
    });
  }
}


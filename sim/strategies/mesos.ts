import { Phase } from "../engine/index.ts";
import { DeadlockResolution, Ev } from "../metrics/log.ts";
import { memberCount, type Group } from "../model/group.ts";
import { groupRequest } from "../model/group-store.ts";
import { add, sub, ZERO, type Resources } from "../model/resources.ts";
import { Allocator } from "./mesos/allocator.ts";
import type { Interest, OfferBatch, OfferSink } from "./mesos/offers.ts";
import { Hoards } from "./mesos/hoards.ts";
import { classifyStuck, DeadlockBook, DEADLOCK_EVENTS, STALL_EVENTS, type Waiter } from "./mesos/deadlock.ts";
import { GangFrameworks } from "./mesos/gangs.ts";
import type { GangWaiter } from "./mesos/gang-deadlock.ts";
import { mesosParams, type MesosParams } from "./mesos/params.ts";
import { FrameworkDecisions } from "./mesos/decision.ts";
import { abortBackoffSeconds, insertByIndex, NO_OFFERS, removeByIndex, wholeGpus, type Framework, type GroupState, type Hold } from "./mesos/state.ts";
import { assignOwners, type DecisionTime, type Strategy, type StrategyContext, type StrategyDefinition } from "./strategy.ts";

export { abortBackoffSeconds };

/**
 * Mesos two-level scheduling with resource hoarding. The allocator offers
 * nodes to frameworks by DRF; a framework launches a group when all its
 * members have arrived and fit on one node, and otherwise hoards offers on the
 * group's node and waits, which idles capacity and can deadlock. A detector
 * reduces the waiting groups of a node whenever holds or arrivals change, and
 * records each deadlock; `onDeadlock` decides what happens next.
 */
class Mesos implements Strategy, OfferSink {
  readonly wholeGroups = true;
  readonly failureDetection: number;
  readonly count: number;
  private readonly frameworks: Framework[];
  private readonly states: (GroupState | undefined)[];
  private readonly ownerOf: ArrayLike<number>;
  private readonly allocator: Allocator;
  /** Gangs and jobs: their frameworks hold room across nodes (mesos/gangs.ts). */
  private readonly gangs: GangFrameworks;
  private readonly deadlocks: DeadlockBook;
  private readonly stalls: DeadlockBook;
  /** Where groups hoard: holder sets, hoard counts, unanswered offers. */
  private readonly hoards: Hoards;
  /** The frameworks' decisions on their offers (mesos/decision.ts). */
  private readonly decide: FrameworkDecisions;
  private nextHold = 0;
  /** Each framework's decision time: its class's. */
  private readonly decisions: DecisionTime[];

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: MesosParams,
  ) {
    const owners = assignOwners(ctx, params.frameworks, "strategies.mesos.frameworks", (g) => g.framework);
    this.count = owners.classOf.length;
    this.failureDetection = params.agentPingTimeout * params.maxAgentPingTimeouts;
    this.hoards = new Hoards(ctx.cluster.size, ctx.cluster.arena.u8());
    this.frameworks = Array.from({ length: this.count }, (_, id) => ({
      id,
      unbound: [],
      hoards: new Uint32Array(ctx.cluster.size),
      hoardNodeCount: 0,
      rechecks: [],
      work: [],
      busy: false,
      recheckQueued: false,
      alloc: ZERO,
    }));
    // A group's state is made when its first member arrives (and let go once it has run): made up front,
    // 100,000 groups' states were ~20 MB kept from the start, copied by every young-generation collection.
    this.states = new Array<GroupState | undefined>(ctx.groups.length);
    this.ownerOf = owners.ownerOf;
    // Deadlocks and stalls are numbered apart; the gangs' cross-node books share each sequence.
    const deadlockIds = { next: 0 };
    const stallIds = { next: 0 };
    this.deadlocks = new DeadlockBook(ctx.log, DEADLOCK_EVENTS, deadlockIds);
    this.stalls = new DeadlockBook(ctx.log, STALL_EVENTS, stallIds);
    const host = { ...ctx, frameworks: this.frameworks, deadlockIds, stallIds, holdId: () => this.nextHold++, markChanged: (n: number) => this.allocator.markChanged(n), interestChanged: () => this.allocator.interestChanged(), newWork: (f: number) => this.params.revive && this.allocator.revive(f) };
    this.gangs = new GangFrameworks(host, ctx.groups, (g) => owners.ownerOf[g.index]!, params);
    this.allocator = new Allocator(ctx, params, this);
    for (const f of this.frameworks) ctx.log.push(0, Ev.SchedulerUp, -1, -1, f.id, owners.classOf[f.id]!);
    this.decisions = Array.from(owners.classOf, (c) => ctx.classes[c]!.decision);
    this.decide = new FrameworkDecisions({
      ctx,
      params,
      states: this.states,
      hoards: this.hoards,
      allocator: this.allocator,
      gangs: this.gangs,
      decisions: this.decisions,
      launch: (g, node, fromOffer) => this.launch(g, node, fromOffer),
      addHold: (g, node, take, offeredAt) => this.addHold(g, node, take, offeredAt),
      checkDeadlock: (node, cause) => this.checkDeadlock(node, cause),
    });
  }

  private newState(group: Group): GroupState {
    return {
      group,
      framework: this.ownerOf[group.index]!,
      need: wholeGpus(add(groupRequest(group), this.ctx.podOverhead)),
      arrivedMembers: [],
      status: "unknown",
      holdNode: -1,
      holds: [],
      held: ZERO,
      waiting: false,
      aborts: 0,
    };
  }

  // --- Strategy -----------------------------------------------------------

  onSubmit(): void {}

  onMemberArrival(group: Group, member: number): void {
    if (group.pods !== undefined) return this.gangs.arrive(group, member);
    const g = (this.states[group.index] ??= this.newState(group));
    g.arrivedMembers.push(member);
    if (g.status === "unschedulable") return;
    if (g.arrivedMembers.length === memberCount(group)) {
      this.ctx.log.push(this.ctx.sim.now, Ev.Created, group.index);
      if (!this.ctx.cluster.fitsAnyNode(g.need, group.selector)) {
        this.markUnschedulable(g);
        return;
      }
    }
    if (g.status === "unknown") {
      g.status = "pending";
      this.enqueue(g);
      this.newWork(g);
    } else if (g.status === "pending" && g.holdNode >= 0) {
      this.recheck(this.frameworks[g.framework]!, g);
    }
  }

  onFreed(node: number, group?: Group, pod?: number): void {
    this.gangs.onFreed(group, pod);
    const g = group === undefined || group.pods !== undefined ? undefined : this.states[group.index]!;
    if (g !== undefined && g.status === "launched" && this.ctx.lifecycle.isDone(g.group.index)) {
      const f = this.frameworks[g.framework]!;
      f.alloc = sub(f.alloc, g.need);
      // It has run: nothing asks for its state again.
      this.states[g.group.index] = undefined;
    }
    this.allocator.markChanged(node);
    // A release may leave the node's free resources below the minimum offer with nothing left to release.
    if (this.hoarded(node)) this.checkDeadlock(node, DeadlockResolution.Released);
  }

  /** Holds on a failed node are gone (Mesos rescinds a lost agent's offers); their groups hold nothing again. */
  onNodeDown(node: number): void {
    this.gangs.onNodeDown(node);
    const holders = [...this.hoards.holdersOn(node)];
    for (const g of holders) this.releaseHolds(g);
    if (holders.length > 0) this.checkDeadlock(node, DeadlockResolution.Released);
  }

  onLost(group: Group): void {
    if (group.pods !== undefined) return this.gangs.onLost(group);
    const g = this.states[group.index]!;
    if (g.status === "launched") {
      const f = this.frameworks[g.framework]!;
      f.alloc = sub(f.alloc, g.need);
    }
    this.leave(g);
    g.status = "unknown";
    this.releaseHolds(g);
    g.arrivedMembers.length = 0;
  }

  // --- OfferSink ----------------------------------------------------------

  /** With `revive`, a framework with no pending group suppresses offers; without, it never does. */
  wantsOffers(f: number): boolean {
    const fw = this.frameworks[f]!;
    return !this.params.revive || fw.unbound.length > 0 || fw.hoardNodeCount > 0 || this.gangs.wants(f);
  }

  get hoardMarks(): Uint8Array {
    return this.hoards.marks;
  }

  get hoardMarkings(): number {
    return this.hoards.markings;
  }

  allocation(f: number): Resources {
    return this.frameworks[f]!.alloc;
  }

  interest(f: number): Interest {
    const fw = this.frameworks[f]!;
    return { anyNode: fw.unbound.length > 0 || this.gangs.wants(f) || (!this.params.revive && fw.hoardNodeCount === 0), hoards: fw.hoards };
  }

  allocated(f: number, cpu: number, memory: number, gpu: number): void {
    this.frameworks[f]!.alloc = { cpu, memory, gpu };
  }

  deliver(f: number, batch: OfferBatch): void {
    this.hoards.track(batch, 1);
    const fw = this.frameworks[f]!;
    fw.work.push(batch);
    if (!fw.busy) this.decide.start(fw);
  }

  offeredOn(node: number): Resources {
    return this.hoards.offeredOn(node);
  }

  private hoarded(node: number): boolean {
    return this.hoards.hoarded(node);
  }

  // --- Frameworks ---------------------------------------------------------

  /** The group becomes pending, holding nothing. */
  private enqueue(g: GroupState): void {
    insertByIndex(this.frameworks[g.framework]!.unbound, g);
    this.allocator.interestChanged();
  }

  /** A group became pending (new, or back from an abort): with `revive`, its framework revives offers. */
  private newWork(g: GroupState): void {
    if (this.params.revive) this.allocator.revive(g.framework);
  }

  /** The group stops being pending (launched, aborted, unschedulable); call before releasing its holds. */
  private leave(g: GroupState): void {
    if (g.holdNode < 0) removeByIndex(this.frameworks[g.framework]!.unbound, g);
  }

  /** The group no longer hoards; if still pending it wants any node again. */
  private unbind(g: GroupState): void {
    this.hoards.unbind(this.frameworks[g.framework]!, g);
    if (g.status === "pending") this.enqueue(g);
  }

  /** A member of a hoarding group arrived: the framework looks at its holds again. */
  private recheck(f: Framework, g: GroupState): void {
    f.rechecks.push(g);
    if (f.recheckQueued) return;
    f.recheckQueued = true;
    f.work.push(NO_OFFERS);
    if (!f.busy) this.decide.start(f);
  }

  private launch(g: GroupState, node: number, fromOffer: Resources): void {
    const { cluster, lifecycle } = this.ctx;
    const f = this.frameworks[g.framework]!;
    this.leave(g);
    g.status = "launched";
    this.releaseHolds(g);
    cluster.release(node, fromOffer);
    f.alloc = sub(f.alloc, fromOffer);
    // A group lost with a node that failed meanwhile starts nothing: what it took goes back to the
    // allocator for the next round (the master recovers a failed launch's resources).
    if (!lifecycle.start(g.group, memberCount(g.group), node, g.need)) this.allocator.markChanged(node);
    f.alloc = add(f.alloc, g.need);
  }

  // --- Holds --------------------------------------------------------------

  private addHold(g: GroupState, node: number, resources: Resources, offeredAt: number): void {
    const { sim, log } = this.ctx;
    const hold: Hold = { id: this.nextHold++, node, resources, timer: undefined };
    if (g.holdNode < 0) this.hoards.bind(this.frameworks[g.framework]!, g, node);
    g.holds.push(hold);
    g.held = add(g.held, resources);
    log.pushResources(sim.now, Ev.HoldStart, g.group.index, node, hold.id, resources);
    const timeout = this.params.offerTimeout;
    if (timeout !== null) {
      hold.timer = sim.schedule(Math.max(sim.now, offeredAt + timeout), Phase.Release, () => this.rescind(g, hold));
    }
  }

  /** Ends one hold: its resources go back to the node. */
  private dropHold(g: GroupState, hold: Hold): void {
    const { sim, cluster, log } = this.ctx;
    const f = this.frameworks[g.framework]!;
    if (hold.timer !== undefined) sim.cancel(hold.timer);
    cluster.release(hold.node, hold.resources);
    f.alloc = sub(f.alloc, hold.resources);
    g.held = sub(g.held, hold.resources);
    log.pushResources(sim.now, Ev.HoldEnd, g.group.index, hold.node, hold.id, hold.resources);
  }

  private releaseHolds(g: GroupState): void {
    const node = g.holdNode;
    if (node < 0) return;
    for (const hold of g.holds) this.dropHold(g, hold);
    this.unbind(g);
    this.allocator.markChanged(node);
  }

  private rescind(g: GroupState, hold: Hold): void {
    const { sim, log } = this.ctx;
    hold.timer = undefined;
    log.pushResources(sim.now, Ev.Rescind, g.group.index, hold.node, g.framework, hold.resources);
    this.dropHold(g, hold);
    g.holds = g.holds.filter((h) => h !== hold);
    const node = hold.node;
    if (g.holds.length === 0) this.unbind(g);
    this.allocator.markChanged(node);
    this.checkDeadlock(node, DeadlockResolution.Timeout);
  }

  // --- Deadlock -----------------------------------------------------------

  /** The gangs waiting across nodes, and whether their deadlock check is still due this instant. For test oracles. */
  gangWaiters(): { readonly waiters: GangWaiter[]; readonly checkDue: boolean } {
    return { waiters: this.gangs.waiters(), checkDue: this.gangs.checkDue };
  }

  /** The groups waiting on `node` (Hoards.waitersOn). For test oracles too. */
  waitersOn(node: number): Waiter[] {
    return this.hoards.waitersOn(node);
  }

  /** Whether no offer of `node` can come while only its waiters hold there (Hoards.starvedOn). For test oracles too. */
  starvedOn(node: number): boolean {
    return this.hoards.starvedOn(node, this.ctx.cluster, (n) => this.allocator.offerable(n));
  }

  /** Nodes whose offer state breaks the allocator's invariant (Allocator.parkingViolations). For test oracles too. */
  parkingViolations(): number[] {
    return this.allocator.parkingViolations();
  }

  /** Sorts the waiters of `node` into deadlocked and stalled; records both, and aborts the youngest deadlocked if so configured. */
  private checkDeadlock(node: number, cause: number, causeGroup = -1): void {
    const open = this.deadlocks.isOpen(node) || this.stalls.isOpen(node);
    if (!open && !this.hoarded(node)) return;
    const waiters = this.waitersOn(node);
    // Nobody waits there and nothing was open: nothing is or was stuck (the books would record nothing).
    if (!open && waiters.length === 0) return;
    const { deadlocked: stuck, stalled } = classifyStuck(this.ctx.cluster.capacity(node), waiters, waiters.length > 0 && this.starvedOn(node));
    this.stalls.update(this.ctx.sim.now, node, stalled, cause, causeGroup);
    this.deadlocks.update(this.ctx.sim.now, node, stuck, cause, causeGroup);
    if (stuck.length === 0 || this.params.onDeadlock !== "abort-youngest") return;
    let youngest = this.states[stuck[0]!.index]!;
    for (const w of stuck) {
      const g = this.states[w.index]!;
      if (g.group.submit > youngest.group.submit || (g.group.submit === youngest.group.submit && w.index > youngest.group.index)) youngest = g;
    }
    this.abort(youngest);
    this.checkDeadlock(node, DeadlockResolution.Aborted, youngest.group.index);
  }

  /** Releases the group's holds and requeues it after a backoff that doubles per abort. */
  private abort(g: GroupState): void {
    this.leave(g);
    g.status = "backoff";
    this.releaseHolds(g);
    g.aborts++;
    const delay = abortBackoffSeconds(this.params.abortBackoff, g.aborts);
    this.ctx.sim.after(delay, Phase.Arrival, () => {
      if (g.status !== "backoff") return;
      g.status = "pending";
      this.enqueue(g);
      this.newWork(g);
    });
  }

  private markUnschedulable(g: GroupState): void {
    const node = g.holdNode;
    this.leave(g);
    g.status = "unschedulable";
    this.releaseHolds(g);
    this.ctx.log.push(this.ctx.sim.now, Ev.Unschedulable, g.group.index);
    if (node >= 0) this.checkDeadlock(node, DeadlockResolution.Released);
  }
}

export const mesos = {
  id: "mesos",
  summary: "Mesos two-level offers: frameworks hoard offers until a whole group is present (idle capacity, possible deadlock)",
  params: mesosParams,
  create: (ctx, params) => new Mesos(ctx, params),
} satisfies StrategyDefinition<MesosParams>;

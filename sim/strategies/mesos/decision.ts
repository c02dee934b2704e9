import { Phase } from "../../engine/index.ts";
import { DeadlockResolution, Ev } from "../../metrics/log.ts";
import { listedRequest, memberCount } from "../../model/group.ts";
import { fitsIn, isZero, min, subClamped, ZERO, type Resources } from "../../model/resources.ts";
import { decisionSeconds, type DecisionTime, type StrategyContext } from "../strategy.ts";
import type { Allocator } from "./allocator.ts";
import type { GangAction, GangFrameworks } from "./gangs.ts";
import type { Hoards } from "./hoards.ts";
import type { OfferBatch } from "./offers.ts";
import type { MesosParams } from "./params.ts";
import { planDecision, type Action, type GroupView } from "./plan.ts";
import { NO_OFFERS, wholeGpus, type Framework, type GroupState } from "./state.ts";

/** What a framework's decisions read and act through: the rest of the mesos strategy. */
export interface DecisionHost {
  readonly ctx: StrategyContext;
  readonly params: MesosParams;
  readonly states: readonly (GroupState | undefined)[];
  readonly hoards: Hoards;
  readonly allocator: Allocator;
  readonly gangs: GangFrameworks;
  /** Each framework's decision time: its class's. */
  readonly decisions: readonly DecisionTime[];
  /** Launches the group on `node`, taking `fromOffer` of the offer (the rest of its need is held there). */
  launch(g: GroupState, node: number, fromOffer: Resources): void;
  /** The group holds `take` of an offer made at `offeredAt` on `node`. */
  addHold(g: GroupState, node: number, take: Resources, offeredAt: number): void;
  checkDeadlock(node: number, cause: number): void;
}

/** A decision's lists: what is left of each offer (3 per node), the declined nodes and amounts, the touched nodes. */
interface DecisionLists {
  readonly remaining: Float64Array;
  readonly nodes: Int32Array;
  readonly amounts: Float64Array;
  readonly touched: Int32Array;
}

/**
 * The frameworks' side of two-level scheduling: each framework answers its
 * work items (offer batches, and re-checks of its hoarders) one at a time.
 * An answer is planned when the framework takes the item up and takes effect
 * after the framework's decision time: launches and holds as planned if they
 * still fit, the rest of the offers declined (and filtered for the
 * framework), then its next item.
 */
export class FrameworkDecisions {
  /**
   * What is left of each offer as one decision's answer takes effect, a
   * decline's nodes and what of each, and the offered nodes it touched: in
   * the cluster's arena where they fit (the offer kernel's decline,
   * Cluster.releaseAll); taken at the first decision.
   */
  private lists: DecisionLists | undefined;

  constructor(private readonly host: DecisionHost) {}

  /** The decisions' lists (see `lists`), in the arena while it has room. */
  private listsOf(): DecisionLists {
    const arena = this.host.ctx.cluster.arena;
    const n = arena.nodes;
    return (this.lists ??= { remaining: arena.f64(3 * n), nodes: arena.i32(n), amounts: arena.f64(3 * n), touched: arena.i32(n) });
  }

  /** Plans the framework's answer to its next work item now; it takes effect after the decision time. */
  start(f: Framework): void {
    const { ctx, params, hoards, allocator, gangs } = this.host;
    const offers = f.work.shift();
    if (offers === undefined) {
      f.busy = false;
      allocator.schedule();
      return;
    }
    // Only the groups this answer can affect, oldest first: on a re-check, the hoarders a
    // member of which arrived; on offers, the groups holding nothing and the hoarders on
    // an offered node.
    let candidates: GroupState[];
    if (offers === NO_OFFERS) {
      f.recheckQueued = false;
      candidates = [...new Set(f.rechecks)].filter((g) => g.status === "pending" && g.holdNode >= 0);
      f.rechecks = [];
    } else {
      candidates = [...f.unbound];
      hoards.pushHoardersOn(f, offers, candidates);
    }
    candidates.sort((a, b) => a.group.index - b.group.index);
    const complete = candidates.filter((g) => g.holdNode >= 0 && !g.waiting && g.arrivedMembers.length === memberCount(g.group));
    const views = candidates.map((g) => this.view(g));
    const actions = planDecision(views, offers, params.hold);
    let units = 0;
    for (const a of actions) if (a.kind === "launch") units += memberCount(ctx.groups[a.group]!);
    // Gangs and jobs plan on what the colocate groups' actions leave of the offers.
    const gangActions = gangs.wants(f.id) && offers !== NO_OFFERS ? gangs.plan(f.id, offers, this.leftAfter(offers, actions)) : [];
    units += gangActions.length;
    const seconds = decisionSeconds(this.host.decisions[f.id]!, units);
    f.busy = true;
    ctx.sim.after(seconds, Phase.Decision, () => this.finish(f, offers, actions, complete, seconds, units, gangActions));
  }

  /** What planDecision sees of a group: its need, what it holds where, and what it aims to hold while members are missing. */
  private view(g: GroupState): GroupView {
    const { ctx, params } = this.host;
    const allArrived = g.arrivedMembers.length === memberCount(g.group);
    const target = params.target === "declared" || allArrived ? g.need : wholeGpus(listedRequest(g.group, g.arrivedMembers, ctx.podOverhead));
    const selector = g.group.selector;
    const mask = selector === undefined ? undefined : ctx.cluster.selectorMask(selector);
    return { index: g.group.index, allArrived, need: g.need, target, holdNode: g.holdNode, held: g.held, mask };
  }

  /** The offers' amounts less what `actions` plan to take (a launch its whole need, a hold its take). */
  private leftAfter(offers: OfferBatch, actions: readonly Action[]): Float64Array {
    const left = Float64Array.from(offers.amounts);
    for (const a of actions) {
      const i = offers.nodes.indexOf(a.node);
      if (i < 0) continue;
      const r = a.kind === "launch" ? this.host.states[a.group]!.need : a.take;
      left[3 * i] = Math.max(0, left[3 * i]! - r.cpu);
      left[3 * i + 1] = Math.max(0, left[3 * i + 1]! - r.memory);
      left[3 * i + 2] = Math.max(0, left[3 * i + 2]! - r.gpu);
    }
    return left;
  }

  /** The decision takes effect: launches, holds, declines, then the framework's next work item. */
  private finish(f: Framework, offers: OfferBatch, actions: Action[], complete: readonly GroupState[], seconds: number, units: number, gangActions: readonly GangAction[]): void {
    const host = this.host;
    const { sim, log } = host.ctx;
    const now = sim.now;
    host.hoards.track(offers, -1);
    const remaining = this.listsOf().remaining;
    remaining.set(offers.amounts);
    const slot = (node: number): number => offers.nodes.indexOf(node);
    const rest = (i: number): Resources => (i < 0 ? ZERO : { cpu: remaining[3 * i]!, memory: remaining[3 * i + 1]!, gpu: remaining[3 * i + 2]! });
    const consume = (i: number, r: Resources): void => {
      remaining[3 * i]! -= r.cpu;
      remaining[3 * i + 1]! -= r.memory;
      remaining[3 * i + 2]! -= r.gpu;
    };
    const touched = new Set<number>();
    for (const a of actions) {
      const g = host.states[a.group]!;
      if (g.status !== "pending" || (g.holdNode >= 0 && g.holdNode !== a.node)) continue;
      if (host.ctx.cluster.up[a.node] === 0) continue; // failed while we decided
      const i = slot(a.node);
      log.push(now, Ev.Attempt, a.group, a.node, f.id);
      if (a.kind === "launch") {
        const missing = subClamped(g.need, g.held);
        if (!fitsIn(missing, rest(i))) continue;
        if (i >= 0) consume(i, missing);
        host.launch(g, a.node, missing);
      } else {
        const take = min(a.take, rest(i));
        if (i < 0 || isZero(take)) continue;
        consume(i, take);
        host.addHold(g, a.node, take, offers.offeredAt);
      }
      touched.add(a.node);
    }
    if (gangActions.length > 0) {
      const take = (node: number, r: Resources): boolean => {
        const i = slot(node);
        if (i < 0 || !fitsIn(r, rest(i))) return false;
        consume(i, r);
        return true;
      };
      host.gangs.apply(f.id, gangActions, take, offers.offeredAt);
    } else if (host.gangs.wants(f.id)) host.gangs.apply(f.id, [], () => false, offers.offeredAt);
    this.declineRest(f, offers, remaining, touched);
    host.allocator.answered(offers);
    // Complete hoarders that still could not launch now wait on their node.
    for (const g of complete) {
      if (g.status === "pending" && g.holdNode >= 0 && !g.waiting) {
        g.waiting = true;
        touched.add(g.holdNode);
      }
    }
    log.push(now, Ev.Busy, -1, -1, f.id, seconds, units);
    for (const node of touched) host.checkDeadlock(node, DeadlockResolution.Released);
    this.start(f);
  }

  /**
   * Declines what no action took: back to the nodes, filtered for this
   * framework for refuseSeconds. Adds the offered nodes that are hoarded to
   * `touched`: a declined offer there changes whether the node is starved.
   * The loop runs in the offer kernel (WebAssembly) where the lists lie in
   * the arena, else here.
   */
  private declineRest(f: Framework, offers: OfferBatch, remaining: Float64Array, touched: Set<number>): void {
    const { ctx, hoards, allocator } = this.host;
    const { sim, cluster, log } = ctx;
    const nodes = offers.nodes;
    const lists = this.listsOf();
    const declined = lists.nodes;
    const amounts = lists.amounts;
    const marked = hoards.nodeCount > 0;
    const inKernel = allocator.offerKernel?.decline(nodes, remaining, declined, amounts, lists.touched, marked);
    let k = 0;
    let cpu = 0;
    let memory = 0;
    let gpu = 0;
    if (inKernel !== undefined) {
      ({ declined: k, cpu, memory, gpu } = inKernel);
      for (let t = 0; t < inKernel.touched; t++) touched.add(lists.touched[t]!);
    } else {
      const marks = marked ? hoards.marks : undefined;
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i]!;
        if (marks !== undefined && marks[node] === 1) touched.add(node);
        const c = remaining[3 * i]!;
        const m = remaining[3 * i + 1]!;
        const g = remaining[3 * i + 2]!;
        if (c === 0 && m === 0 && g === 0) continue;
        cpu += c;
        memory += m;
        gpu += g;
        declined[k] = node;
        amounts[3 * k] = c;
        amounts[3 * k + 1] = m;
        amounts[3 * k + 2] = g;
        k++;
      }
    }
    if (k === 0) return;
    // Released after the loop, in one call (in WebAssembly where the lists lie in the arena).
    cluster.releaseAll(declined, amounts, k);
    // (Not `sub` of a fresh literal: that sent declineRest into a loop of deoptimizations, 72 a run on OpenB.)
    f.alloc = { cpu: f.alloc.cpu - cpu, memory: f.alloc.memory - memory, gpu: f.alloc.gpu - gpu };
    log.push(sim.now, Ev.Decline, -1, -1, f.id, k);
    allocator.refuse(f.id, declined.subarray(0, k), amounts);
  }
}

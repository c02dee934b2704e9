import { Phase, type Rng, type EventId } from "../../engine/index.ts";
import { Ev } from "../../metrics/log.ts";
import type { StrategyContext } from "../strategy.ts";
import type { MesosParams } from "./params.ts";
import type { OfferSet } from "./plan.ts";

/** Offers made to one framework in one round: nodes[i] offers amounts[3i..3i+2] (cpu, memory, gpu), locked until it answers. */
export interface OfferBatch extends OfferSet {
  readonly offeredAt: number;
}

/** Which nodes a framework wants offered: any node, or only the nodes it hoards on. */
export interface Interest {
  readonly anyNode: boolean;
  readonly hoardNodes: { has(node: number): boolean };
}

/** What the allocator needs from the frameworks. */
export interface OfferSink {
  readonly count: number;
  /** Whether framework f wants offers at all (it has pending groups). */
  wantsOffers(f: number): boolean;
  /** Which nodes framework f wants offered now. */
  interest(f: number): Interest;
  /** Framework f's dominant share (running + held + offered over cluster capacity). */
  dominantShare(f: number): number;
  /** Framework f was just offered these resources (its share grows before the next node is placed). */
  offered(f: number, cpu: number, memory: number, gpu: number): void;
  /** Hands framework f the offers it got in one round. */
  deliver(f: number, batch: OfferBatch): void;
}

/**
 * The Mesos master's allocator (src/master/allocator/mesos/hierarchical.cpp,
 * Mesos 1.11). Every allocationInterval it visits the nodes whose free
 * resources changed since the last round (or whose refuse filter expired) and
 * offers each one, whole, to the framework first in DRF order
 * (sorter/drf/sorter.hpp `compareDRF`: smallest dominant share, then fewest
 * allocations so far, then id) that wants it and has not filtered it. A
 * decline filters the node for that framework only while the node's free
 * resources are contained in what was declined (`RefusedOfferFilter`), for
 * max(refuseSeconds, allocationInterval); `revive` clears a framework's
 * filters. A framework whose pending groups all hoard wants only its hoard
 * nodes. With offerScope "cell" (the Omega simulator's Mesos) a round offers
 * every offerable node to the one framework first in DRF order. No round is
 * scheduled while no framework wants offers or no node changed, so an idle
 * cluster costs nothing per tick. Per-node state lives in typed arrays; the
 * declines of one answer share one filter-expiry event.
 */
export class Allocator {
  private candidates: number[] = [];
  private readonly isCandidate: Uint8Array;
  /** Nodes skipped because every framework that wanted offers had filtered them. */
  private parked: number[] = [];
  private readonly isParked: Uint8Array;
  /** Per framework: until when each node is filtered (0 = not filtered). */
  private readonly filteredUntil: Float64Array[];
  /** Per framework: the declined (cpu, memory, gpu) of each node's filter; it filters offers contained in it. */
  private readonly refused: Float64Array[];
  /** Per framework: the revive epoch each node's filter was made in; a revive starts a new epoch. */
  private readonly filterEpoch: Uint32Array[];
  private readonly epoch: Uint32Array;
  /** Per framework: how many node offers it was chosen for (the DRF sorter's allocation count). */
  private readonly allocations: Float64Array;
  /** Frameworks revived since the last round: parked nodes are looked at again for them. */
  private revived: number[] = [];
  private round: EventId | undefined;
  /** Time of the last offer round (-Infinity before the first). */
  private lastRound = -Infinity;
  private readonly order: Rng;
  /** Whether each framework wanted any node at the last round; whether that may have changed since. */
  private readonly anyNode: Uint8Array;
  private interestDirty = false;

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: MesosParams,
    private readonly sink: OfferSink,
  ) {
    const n = ctx.cluster.size;
    this.isCandidate = new Uint8Array(n);
    this.isParked = new Uint8Array(n);
    this.filteredUntil = Array.from({ length: sink.count }, () => new Float64Array(n));
    this.refused = Array.from({ length: sink.count }, () => new Float64Array(3 * n));
    this.filterEpoch = Array.from({ length: sink.count }, () => new Uint32Array(n));
    this.epoch = new Uint32Array(sink.count);
    this.allocations = new Float64Array(sink.count);
    this.anyNode = new Uint8Array(sink.count);
    this.order = ctx.rng.stream("mesos/offer-order");
    for (let node = 0; node < n; node++) this.markChanged(node);
  }

  /** The node's free resources changed. */
  markChanged(node: number): void {
    this.isParked[node] = 0;
    if (!this.isCandidate[node]) {
      this.isCandidate[node] = 1;
      this.candidates.push(node);
    }
    this.schedule();
  }

  /** What some framework wants may have changed: the next round looks again at parked nodes. */
  interestChanged(): void {
    this.interestDirty = true;
    this.schedule();
  }

  /** Framework f revives: its filters are gone (hierarchical.cpp `reviveOffers`). */
  revive(f: number): void {
    this.epoch[f]!++;
    this.revived.push(f);
    this.interestChanged();
  }

  /** Whether framework f's filter on `node` holds back an offer of the node's free resources now. */
  private filtered(f: number, node: number, now: number): boolean {
    if (this.filteredUntil[f]![node]! <= now || this.filterEpoch[f]![node] !== this.epoch[f]) return false;
    const { freeCpu, freeMemory, freeGpu } = this.ctx.cluster;
    const r = this.refused[f]!;
    return freeCpu[node]! <= r[3 * node]! && freeMemory[node]! <= r[3 * node + 1]! && freeGpu[node]! <= r[3 * node + 2]!;
  }

  /** Parked nodes go back to the candidates for frameworks that now want any node (or were revived). */
  private unpark(now: number, interests: readonly (Interest | null)[], dirty: boolean): void {
    const cell = this.params.offerScope === "cell";
    const widened: number[] = this.revived.filter((f) => interests[f] !== null);
    this.revived = [];
    interests.forEach((interest, f) => {
      const any = interest !== null && interest.anyNode;
      if (any && !this.anyNode[f]) widened.push(f);
      this.anyNode[f] = any ? 1 : 0;
    });
    // Cell scope: any change in what frameworks want sends the parked nodes to the next round.
    if ((widened.length === 0 && !(cell && dirty)) || this.parked.length === 0) return;
    const still: number[] = [];
    for (const node of this.parked) {
      if (!this.isParked[node]) continue;
      if (cell || widened.some((f) => !this.filtered(f, node, now))) {
        this.isParked[node] = 0;
        this.isCandidate[node] = 1;
        this.candidates.push(node);
      } else {
        still.push(node);
      }
    }
    this.parked = still;
  }

  /**
   * Framework f declined `amounts` (cpu, memory, gpu per node) of `nodes`: a
   * filter holds back offers of each node contained in what it declined, for
   * max(refuseSeconds, allocationInterval) (`recoverResources`; MESOS-4302);
   * refuseSeconds 0 makes none. The cell scope has no filters.
   */
  refuse(f: number, nodes: readonly number[], amounts: Float64Array): void {
    if (nodes.length === 0) return;
    const { sim } = this.ctx;
    const seconds = this.params.refuseSeconds;
    const filters = seconds > 0 && this.params.offerScope === "node";
    const until = sim.now + Math.max(seconds, this.params.allocationInterval);
    const filtered = this.filteredUntil[f]!;
    if (filters) {
      const refused = this.refused[f]!;
      const epochs = this.filterEpoch[f]!;
      const epoch = this.epoch[f]!;
      nodes.forEach((node, i) => {
        filtered[node] = until;
        epochs[node] = epoch;
        for (let d = 0; d < 3; d++) refused[3 * node + d] = amounts[3 * i + d]!;
      });
    }
    for (const node of nodes) this.markChanged(node);
    if (!filters) return;
    sim.schedule(until, Phase.Arrival, () => {
      for (const node of nodes) {
        if (filtered[node] !== until) continue;
        filtered[node] = 0;
        this.markChanged(node);
      }
    });
  }

  /** Schedules a round at the next tick if there is anything to offer and anyone to offer it to. */
  schedule(): void {
    if (this.round !== undefined) return;
    if (this.candidates.length === 0 && !(this.interestDirty && this.parked.length > 0)) return;
    let anyone = false;
    for (let f = 0; f < this.sink.count && !anyone; f++) anyone = this.sink.wantsOffers(f);
    if (!anyone) return;
    const { sim } = this.ctx;
    const interval = this.params.allocationInterval;
    let tick = Math.max(sim.now, Math.ceil(sim.now / interval - 1e-9) * interval);
    // One round per tick: a node declined with refuseSeconds 0 by a framework that decides in
    // zero time would otherwise be offered again at the same instant, forever.
    if (tick <= this.lastRound) tick = this.lastRound + interval;
    this.round = sim.schedule(tick, Phase.Decision, () => {
      this.round = undefined;
      this.lastRound = sim.now;
      this.offerRound();
    });
  }

  /** Whether the node's free resources reach the minimum offer (--min_allocatable_resources). */
  offerable(node: number): boolean {
    const { cluster } = this.ctx;
    const m = this.params.minOffer;
    const cpu = cluster.freeCpu[node]!;
    const memory = cluster.freeMemory[node]!;
    const gpu = cluster.freeGpu[node]!;
    if (m.cpu === 0 && m.memory === 0 && m.gpu === 0) return cpu > 0 || memory > 0 || gpu > 0;
    return (m.cpu > 0 && cpu >= m.cpu) || (m.memory > 0 && memory >= m.memory) || (m.gpu > 0 && gpu >= m.gpu);
  }

  /**
   * The framework first in DRF order among those that want `node` (any node
   * when -1) and have not filtered it: smallest dominant share, then fewest
   * allocations, then lowest id (sorter/drf/sorter.hpp `compareDRF`). -1 if none.
   */
  private firstInDrf(interests: readonly (Interest | null)[], node: number, now: number): number {
    let best = -1;
    let bestShare = Infinity;
    let bestCount = Infinity;
    for (let f = 0; f < interests.length; f++) {
      const interest = interests[f];
      if (interest === null || interest === undefined) continue;
      if (node >= 0) {
        if (!interest.anyNode && !interest.hoardNodes.has(node)) continue;
        if (this.filtered(f, node, now)) continue;
      }
      const share = this.sink.dominantShare(f);
      const count = this.allocations[f]!;
      if (share < bestShare || (share === bestShare && count < bestCount)) {
        bestShare = share;
        bestCount = count;
        best = f;
      }
    }
    return best;
  }

  private offerRound(): void {
    const { sim, cluster, log } = this.ctx;
    const now = sim.now;
    const interests: (Interest | null)[] = [];
    for (let f = 0; f < this.sink.count; f++) interests.push(this.sink.wantsOffers(f) ? this.sink.interest(f) : null);
    const dirty = this.interestDirty;
    this.interestDirty = false;
    this.unpark(now, interests, dirty);
    const nodes = this.candidates;
    this.candidates = [];
    for (const node of nodes) this.isCandidate[node] = 0;
    if (this.params.offerOrder === "shuffled") this.order.shuffle(nodes);
    else nodes.sort((a, b) => a - b);
    const batchNodes: number[][] = interests.map(() => []);
    const batchAmounts: number[][] = interests.map(() => []);
    let offers = 0;
    const { freeCpu, freeMemory, freeGpu } = cluster;
    // The cell scope: one framework, first in DRF order, gets every offerable node it wants.
    const cellFramework = this.params.offerScope === "cell" ? this.firstInDrf(interests, -1, now) : -1;
    for (const node of nodes) {
      if (!this.offerable(node)) continue;
      let best: number;
      if (this.params.offerScope === "node") best = this.firstInDrf(interests, node, now);
      else {
        // The cell's framework takes only the nodes it wants (firstInDrf checked them for the node scope).
        const interest = cellFramework < 0 ? undefined : interests[cellFramework]!;
        best = interest !== undefined && (interest.anyNode || interest.hoardNodes.has(node)) ? cellFramework : -1;
      }
      if (best < 0) {
        if (!this.isParked[node]) {
          this.isParked[node] = 1;
          this.parked.push(node);
        }
        continue;
      }
      const cpu = freeCpu[node]!;
      const memory = freeMemory[node]!;
      const gpu = freeGpu[node]!;
      cluster.allocateValues(node, cpu, memory, gpu);
      this.allocations[best]!++;
      offers++;
      batchNodes[best]!.push(node);
      batchAmounts[best]!.push(cpu, memory, gpu);
      this.sink.offered(best, cpu, memory, gpu);
    }
    log.push(now, Ev.AllocRound, -1, -1, -1, nodes.length, offers);
    for (let f = 0; f < interests.length; f++) {
      const fnodes = batchNodes[f]!;
      if (fnodes.length === 0) continue;
      log.push(now, Ev.Offer, -1, -1, f, fnodes.length);
      this.sink.deliver(f, { nodes: fnodes, amounts: Float64Array.from(batchAmounts[f]!), offeredAt: now });
    }
  }
}

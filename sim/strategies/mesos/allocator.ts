import { Phase, type Rng, type EventId } from "../../engine/index.ts";
import { Ev } from "../../metrics/log.ts";
import type { Resources } from "../../model/resources.ts";
import type { StrategyContext } from "../strategy.ts";
import type { MesosParams } from "./params.ts";
import { NodeFlag, NodeList } from "./node-list.ts";
import { BatchBuffers, NodeBuffers, RoundBatches } from "./scratch.ts";
import { DrfRound } from "./choice.ts";
import { offerSolo } from "./solo-round.ts";
import { OfferKernel } from "./offer-kernel.ts";
import { FilterKernel } from "./filter-kernel.ts";
import { settleAll, type SettleLists } from "./settle.ts";
import { offerEach, type RoundState } from "./round.ts";
import { holdsBack, minOfferThresholds, reachesMinOffer, RefuseFilters } from "./filters.ts";
import type { Interest, OfferBatch, OfferSink } from "./offers.ts";

const { Candidate, Parked, Listed } = NodeFlag;

/**
 * The Mesos master's allocator (src/master/allocator/mesos/hierarchical.cpp,
 * Mesos 1.11). Every allocationInterval it visits the nodes whose free
 * resources changed since the last round (or whose refuse filter expired),
 * and offers each one, whole, to the framework first in DRF order
 * (sorter/drf/sorter.hpp `compareDRF`: smallest dominant share, then fewest
 * allocations so far, then id) that wants it and has not filtered it. A
 * decline filters the node for that framework only while the node's free
 * resources are contained in what was declined (`RefusedOfferFilter`), for
 * max(refuseSeconds, allocationInterval); `revive` clears a framework's
 * filters. A framework whose pending groups all hoard wants only its hoard
 * nodes. A declined node, or one whose filter ended, that no framework may
 * be offered as things stand is parked at once rather than visited, until a
 * framework revives or comes to want any node. With offerScope "cell" (the
 * Omega simulator's Mesos) a round offers every offerable node to the one
 * framework first in DRF order. No round is scheduled while no framework
 * wants offers or no node changed, so an idle cluster costs nothing per
 * tick. Per-node state lives in typed arrays, in the cluster's arena where
 * it fits, and the passes over thousands of nodes run there in WebAssembly
 * (offer-kernel.wat, filter-kernel.wat; the same loops in JavaScript
 * otherwise); the declines of one answer share one filter-expiry event.
 */
export class Allocator {
  private candidates: NodeList;
  /** The candidates' other list: a round visits one while nodes changed meanwhile collect in the other. */
  private visiting: NodeList;
  /** Nodes skipped because every framework that wanted offers had filtered them. */
  private readonly parked: NodeList;
  /** Each node's NodeFlag bits: candidate, parked, in the parked list. */
  private readonly flags: Uint8Array;
  private readonly filters: RefuseFilters;
  /** Who each node is offered to, by DRF, and the round's allocations. */
  private readonly drf: DrfRound;
  /** Frameworks revived since the last round: parked nodes are looked at again for them. */
  private revived: number[] = [];
  private round: EventId | undefined;
  /** Time of the last offer round (-Infinity before the first). */
  private lastRound = -Infinity;
  private readonly order: Rng;
  /** Whether each framework wanted any node at the last round; whether that may have changed since. */
  private readonly anyNode: Uint8Array;
  private interestDirty = false;
  /** The buffers the batches are written in, and the round's batches. */
  private readonly buffers: BatchBuffers;
  private readonly batches: RoundBatches;
  /** The nodes whose filter ends, in one expiry: read at once (in the arena, for the filter kernel). */
  private readonly ending: Int32Array;
  /** Each pending filter expiry's copy of its nodes. */
  private readonly filtered: NodeBuffers;
  /** The minimum offer's thresholds (minOfferThresholds). */
  private readonly minOffer: Resources;
  /** Zero hoard counts, as long as the cluster (WantedNodes' stand-in for a framework that is not there). */
  private readonly noHoards: Uint32Array;
  /** Where some framework hoards (OfferSink.hoardMarks): an unmarked node is wanted only by frameworks wanting any node. */
  private readonly hoardMarks: Uint8Array;
  /** The usual round's loop and the decline's (FrameworkDecisions), and the passes over a decline's nodes, in WebAssembly (undefined where their arrays are not in the arena). */
  readonly offerKernel: OfferKernel | undefined;
  private readonly filterKernel: FilterKernel | undefined;
  /** The per-node state a round's loop over every node (offerEach) and a settle (settleAll) read and write: one object, made once. */
  private readonly passState: RoundState & SettleLists;
  /** The nodes an expiry lists while no framework wants any node: hoarded or down. */
  private readonly expiryAmong: { readonly hoarded: Uint8Array; readonly up: Uint8Array };

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: MesosParams,
    private readonly sink: OfferSink,
  ) {
    const n = ctx.cluster.size;
    const arena = ctx.cluster.arena;
    // The flags and the lists a round visits in the arena: the offer kernel reads them there.
    this.flags = arena.u8();
    this.candidates = new NodeList(n, arena.i32(n));
    this.visiting = new NodeList(n, arena.i32(n));
    this.parked = new NodeList(n, arena.i32(n));
    this.filters = new RefuseFilters(sink.count, n, arena);
    this.hoardMarks = sink.hoardMarks;
    this.expiryAmong = { hoarded: this.hoardMarks, up: ctx.cluster.up };
    this.drf = new DrfRound(sink.count, ctx.cluster.total, this.hoardMarks, arena);
    this.anyNode = new Uint8Array(sink.count);
    this.buffers = new BatchBuffers(n, arena);
    this.filtered = new NodeBuffers(n);
    this.batches = new RoundBatches(sink.count, this.buffers, arena);
    this.order = ctx.rng.stream("mesos/offer-order");
    this.noHoards = new Uint32Array(n);
    this.minOffer = minOfferThresholds(params.minOffer);
    const { freeCpu, freeMemory, freeGpu } = ctx.cluster;
    this.offerKernel = OfferKernel.create(arena, { freeCpu, freeMemory, freeGpu, flags: this.flags, marks: this.hoardMarks }, this.minOffer);
    this.filterKernel = FilterKernel.create(arena, { freeCpu, freeMemory, freeGpu, flags: this.flags, marks: this.hoardMarks, up: ctx.cluster.up, parked: this.parked.items }, this.minOffer, ctx.cluster.total, sink.count);
    this.ending = arena.i32(n);
    const allocator = this;
    this.passState = {
      drf: this.drf,
      batches: this.batches,
      flags: this.flags,
      parked: this.parked,
      minOffer: this.minOffer,
      marks: this.hoardMarks,
      noHoards: this.noHoards,
      // The list the next round visits: a round swaps it with the one it visits.
      get candidates(): NodeList {
        return allocator.candidates;
      },
    };
    for (let node = 0; node < n; node++) this.markChanged(node);
  }

  /** The node's free resources changed. */
  markChanged(node: number): void {
    const flags = this.flags[node]! & ~Parked;
    if (flags & Candidate) this.flags[node] = flags;
    else {
      this.flags[node] = flags | Candidate;
      this.candidates.push(node);
    }
    // (Checked here too: a call per node, thousands per decline, cost more than the round it found scheduled.)
    if (this.round === undefined) this.schedule();
  }

  /** What some framework wants may have changed: the next round looks again at parked nodes. */
  interestChanged(): void {
    this.interestDirty = true;
    this.schedule();
  }

  /** Framework f revives: its filters are gone (hierarchical.cpp `reviveOffers`). */
  revive(f: number): void {
    this.filters.revive(f);
    this.revived.push(f);
    this.interestChanged();
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
    // Compacts the parked list in place: the nodes that stay parked move to its front.
    const parked = this.parked.items;
    const { freeCpu, freeMemory, freeGpu } = this.ctx.cluster;
    const filters = widened.map((f) => this.filters.of(f));
    // A widened framework that revived and has set no filter since may be offered every parked node.
    const open = cell || filters.some((filter) => !filter.live);
    if (this.filterKernel !== undefined && this.filterKernel.unpark(this.parked, this.candidates, filters, now, open)) return;
    const nodeFlags = this.flags;
    let kept = 0;
    for (let i = 0; i < this.parked.length; i++) {
      const node = parked[i]!;
      const flags = nodeFlags[node]!;
      if (!(flags & Parked)) {
        nodeFlags[node] = flags & ~Listed;
        continue;
      }
      let offer = open;
      for (let w = 0; w < filters.length && !offer; w++) {
        offer = !holdsBack(filters[w]!, node, now, freeCpu[node]!, freeMemory[node]!, freeGpu[node]!);
      }
      if (offer) {
        nodeFlags[node] = (flags & ~(Parked | Listed)) | Candidate;
        this.candidates.push(node);
      } else {
        parked[kept++] = node;
      }
    }
    this.parked.length = kept;
  }

  /**
   * Framework f declined `amounts` (cpu, memory, gpu per node) of `nodes`: a
   * filter holds back offers of each node contained in what it declined, for
   * max(refuseSeconds, allocationInterval) (`recoverResources`; MESOS-4302);
   * refuseSeconds 0 makes none. The cell scope has no filters. `amounts` is read at once, not kept.
   */
  refuse(f: number, nodes: Int32Array, amounts: Float64Array): void {
    if (nodes.length === 0) return;
    const { sim } = this.ctx;
    const seconds = this.params.refuseSeconds;
    const filters = seconds > 0 && this.params.offerScope === "node";
    const until = sim.now + Math.max(seconds, this.params.allocationInterval);
    if (filters) this.filters.set(f, nodes, amounts, until, this.filterKernel);
    this.changedAll(nodes, nodes.length);
    if (!filters) return;
    // The expiry reads the nodes later: its own copy (`nodes` may be a caller's scratch), in a lent buffer.
    const buffer = this.filtered.take();
    buffer.set(nodes);
    const filtered = buffer.subarray(0, nodes.length);
    sim.schedule(until, Phase.Arrival, () => {
      const ending = this.ending;
      const interests = this.interests();
      // While no framework wants any node, only hoarded or down nodes are looked at (changedAll): the others are not even listed.
      const anyNode = interests.some((interest) => interest !== null && interest.anyNode);
      const { ended, listed } = this.filters.end(f, filtered, until, ending, anyNode ? undefined : this.expiryAmong);
      this.filtered.give(buffer);
      if (ended > 0) this.changedAll(ending, listed, true, interests);
    });
  }

  /**
   * The free resources of nodes[0..count) changed, or a filter on them
   * ended. In the node scope, a node that no framework could be offered as
   * things stand (every framework that wants offers has filtered it, or wants
   * only other nodes) is parked at once rather than visited by the next round
   * only to be parked there: a framework that comes to want it later brings it
   * back (unpark: a revive, or wanting any node). A node below the minimum
   * offer is left out, as its visit would. Else (or in the cell scope) it is
   * a candidate, as markChanged makes it.
   *
   * `filtersEnded`: nothing changed on the nodes but that a filter on them
   * ended. Between events every node that is up is a candidate, parked, or
   * below the minimum offer (out in an offer, or full): see
   * `parkingViolations`. Such a node's state changes only if some framework
   * may now be offered it, so when no framework wants any node, only the
   * nodes a wanting framework hoards on are looked at (a down node is always
   * looked at: it may still be parked from before it failed). The expiry
   * leaves the others out of `nodes` to begin with (RefuseFilters.end), and
   * calls this whenever a filter ended, listed or not (`count` may be 0),
   * with the interests it read (`asked`; read here when not given).
   */
  private changedAll(nodes: Int32Array, count: number, filtersEnded = false, asked?: readonly (Interest | null)[]): void {
    if (this.params.offerScope === "cell") {
      for (let i = 0; i < count; i++) this.markChanged(nodes[i]!);
      return;
    }
    const now = this.ctx.sim.now;
    const interests = asked ?? this.interests();
    // Parked nodes are the ones no framework wanted under the interests unpark last recorded: what
    // widened since is settled first, so that nodes parked now are parked under today's interests.
    this.unpark(now, interests, false);
    if (count > 0) {
      settleAll(this.ctx.cluster, this.passState, this.filters.wanting(interests), nodes, count, filtersEnded, now, this.filterKernel);
    }
    if (this.round === undefined) this.schedule(); // (unpark may have brought back parked nodes too.)
  }

  /** What each framework wants offered now (null: no offers at all). */
  private interests(): (Interest | null)[] {
    const out: (Interest | null)[] = [];
    for (let f = 0; f < this.sink.count; f++) out.push(this.sink.wantsOffers(f) ? this.sink.interest(f) : null);
    return out;
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
    const { freeCpu, freeMemory, freeGpu } = this.ctx.cluster;
    const { cpu, memory, gpu } = this.minOffer;
    return reachesMinOffer(freeCpu[node]!, freeMemory[node]!, freeGpu[node]!, cpu, memory, gpu);
  }

  private offerRound(): void {
    const { sim, cluster, log } = this.ctx;
    const now = sim.now;
    const count = this.sink.count;
    const interests = this.interests();
    const dirty = this.interestDirty;
    this.interestDirty = false;
    this.unpark(now, interests, dirty);
    const list = this.candidates;
    this.candidates = this.visiting;
    this.visiting = list;
    const visits = list.length;
    const nodes = list.items.subarray(0, visits);
    if (this.params.offerOrder === "shuffled") this.order.shuffle(nodes);
    else nodes.sort();
    // Each framework's offers go straight into lent buffers, taken when it gets its first node.
    const batches = this.batches;
    batches.begin();
    const nodeScope = this.params.offerScope === "node";
    const drf = this.drf;
    const wanting = this.filters.wanting(interests);
    drf.begin(wanting, (f) => this.sink.allocation(f));
    const solo = nodeScope ? drf.openSolo() : -1;
    // The usual loop reads each offered node's hoard mark: the batches of a round in which it saw none say so.
    let unmarked = false;
    if (solo >= 0) unmarked = !offerSolo(cluster, drf, batches, this.flags, this.hoardMarks, this.minOffer, now, solo, nodes, this.offerKernel);
    else {
      // The cell scope: one framework, first in DRF order, gets every offerable node it wants.
      const cellFramework = nodeScope ? -1 : drf.compare(-1, now, 0, 0, 0);
      const cell = nodeScope ? undefined : { framework: cellFramework, interest: cellFramework < 0 ? undefined : interests[cellFramework]! };
      offerEach(cluster, this.passState, nodes, now, wanting, cell, this.filterKernel);
    }
    const offers = batches.total();
    list.length = 0;
    log.push(now, Ev.AllocRound, -1, -1, -1, visits, offers);
    const batchSize = batches.size;
    for (let f = 0; f < count; f++) {
      if (batchSize[f] === 0) continue;
      this.sink.allocated(f, drf.allocated[3 * f]!, drf.allocated[3 * f + 1]!, drf.allocated[3 * f + 2]!);
    }
    for (let f = 0; f < count; f++) {
      const size = batchSize[f]!;
      const batch = batches.existing(f);
      if (size === 0 || batch === undefined) continue;
      log.push(now, Ev.Offer, -1, -1, f, size);
      this.sink.deliver(f, { nodes: batch.nodes.subarray(0, size), amounts: batch.amounts.subarray(0, 3 * size), offeredAt: now, markingsAt: unmarked ? this.sink.hoardMarkings : -1 });
    }
  }

  /**
   * The nodes that break what the allocator's shortcuts rely on between
   * events: a node that is up and reaches the minimum offer is a candidate or
   * parked (a node out in an offer has nothing free); a parked node is up and
   * reaches it, is in the parked list, and is no candidate. A node that failed
   * while parked stays parked until a change or a filter's end looks at it
   * again, so down nodes are left out. For test oracles.
   */
  parkingViolations(): number[] {
    const out: number[] = [];
    const { up } = this.ctx.cluster;
    for (let node = 0; node < this.ctx.cluster.size; node++) {
      if (up[node] === 0) continue;
      const reaches = this.offerable(node);
      const flags = this.flags[node]!;
      const parked = (flags & Parked) !== 0;
      const candidate = (flags & Candidate) !== 0;
      if (parked ? !reaches || candidate || !(flags & Listed) : reaches && !candidate) out.push(node);
    }
    return out;
  }

  /** The framework has answered the batch: its buffer can carry another round's offers. */
  answered(batch: OfferBatch): void {
    this.buffers.give(batch.amounts);
  }
}

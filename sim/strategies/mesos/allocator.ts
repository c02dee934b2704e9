import { Phase, type Rng, type ScheduledEvent } from "../../engine/index.ts";
import { Ev } from "../../metrics/log.ts";
import type { Resources } from "../../model/resources.ts";
import type { StrategyContext } from "../strategy.ts";
import type { MesosParams } from "./params.ts";

/** An offer: a node's free resources, locked for one framework until it answers. */
export interface Offer {
  readonly node: number;
  readonly resources: Resources;
  readonly offeredAt: number;
}

/** What the allocator needs from the frameworks. */
export interface OfferSink {
  readonly count: number;
  /** Whether framework f wants offers (it has pending groups). */
  wantsOffers(f: number): boolean;
  /** Framework f's dominant share (running + held + offered over cluster capacity). */
  dominantShare(f: number): number;
  /** Framework f was just offered `offer` (its share grows before the next node is placed). */
  offered(f: number, offer: Offer): void;
  /** Hands framework f the offers it got in one round. */
  deliver(f: number, offers: Offer[]): void;
}

/**
 * The Mesos master's allocator. Every allocationInterval it visits the nodes
 * whose free resources changed since the last round (or whose refuse filter
 * expired) and offers each one, whole, to the framework with the smallest
 * dominant share that wants offers and has not declined that node recently.
 * No round is scheduled while no framework wants offers or no node changed,
 * so an idle cluster costs nothing per tick.
 */
export class Allocator {
  private readonly candidates = new Set<number>();
  /** Nodes skipped because every framework that wanted offers had filtered them. */
  private readonly parked = new Set<number>();
  private readonly filters: Map<number, number>[];
  private round: ScheduledEvent | undefined;
  private readonly order: Rng;

  constructor(
    private readonly ctx: StrategyContext,
    private readonly params: MesosParams,
    private readonly sink: OfferSink,
  ) {
    this.filters = Array.from({ length: sink.count }, () => new Map());
    this.order = ctx.rng.stream("mesos/offer-order");
    for (let n = 0; n < ctx.cluster.size; n++) this.candidates.add(n);
  }

  /** The node's free resources changed. */
  markChanged(node: number): void {
    this.parked.delete(node);
    this.candidates.add(node);
    this.schedule();
  }

  /** Framework f now wants offers: nodes parked only because of other frameworks' filters are visited again. */
  frameworkWantsOffers(f: number): void {
    const now = this.ctx.sim.now;
    const filters = this.filters[f]!;
    for (const node of this.parked) {
      if ((filters.get(node) ?? -Infinity) <= now) {
        this.parked.delete(node);
        this.candidates.add(node);
      }
    }
    this.schedule();
  }

  /** Framework f declined `node`: do not offer it to f for refuseSeconds. */
  refuse(f: number, node: number): void {
    const seconds = this.params.refuseSeconds;
    const { sim } = this.ctx;
    if (seconds <= 0) {
      this.markChanged(node);
      return;
    }
    const until = sim.now + seconds;
    this.filters[f]!.set(node, until);
    this.markChanged(node);
    sim.schedule(until, Phase.Arrival, () => {
      if (this.filters[f]!.get(node) !== until) return;
      this.filters[f]!.delete(node);
      this.markChanged(node);
    });
  }

  /** Schedules a round at the next tick if there is anything to offer and anyone to offer it to. */
  schedule(): void {
    if (this.round !== undefined || this.candidates.size === 0) return;
    let anyone = false;
    for (let f = 0; f < this.sink.count && !anyone; f++) anyone = this.sink.wantsOffers(f);
    if (!anyone) return;
    const { sim } = this.ctx;
    const interval = this.params.allocationInterval;
    const tick = Math.max(sim.now, Math.ceil(sim.now / interval - 1e-9) * interval);
    this.round = sim.schedule(tick, Phase.Decision, () => {
      this.round = undefined;
      this.offerRound();
    });
  }

  private offerable(node: number): boolean {
    const { cluster } = this.ctx;
    const m = this.params.minOffer;
    const cpu = cluster.freeCpu[node]!;
    const memory = cluster.freeMemory[node]!;
    const gpu = cluster.freeGpu[node]!;
    if (m.cpu === 0 && m.memory === 0 && m.gpu === 0) return cpu > 0 || memory > 0 || gpu > 0;
    return (m.cpu > 0 && cpu >= m.cpu) || (m.memory > 0 && memory >= m.memory) || (m.gpu > 0 && gpu >= m.gpu);
  }

  private offerRound(): void {
    const { sim, cluster, log } = this.ctx;
    const now = sim.now;
    const nodes = [...this.candidates].sort((a, b) => a - b);
    this.candidates.clear();
    if (this.params.offerOrder === "shuffled") this.order.shuffle(nodes);
    const wanting: number[] = [];
    for (let f = 0; f < this.sink.count; f++) if (this.sink.wantsOffers(f)) wanting.push(f);
    const batches = new Map<number, Offer[]>();
    let offers = 0;
    for (const node of nodes) {
      if (!this.offerable(node)) continue;
      let best = -1;
      let bestShare = Infinity;
      for (const f of wanting) {
        if ((this.filters[f]!.get(node) ?? -Infinity) > now) continue;
        const share = this.sink.dominantShare(f);
        if (share < bestShare) {
          bestShare = share;
          best = f;
        }
      }
      if (best < 0) {
        this.parked.add(node);
        continue;
      }
      const resources = cluster.free(node);
      cluster.allocate(node, resources);
      log.pushResources(now, Ev.Offer, -1, node, best, resources);
      offers++;
      let batch = batches.get(best);
      if (batch === undefined) {
        batch = [];
        batches.set(best, batch);
      }
      const offer: Offer = { node, resources, offeredAt: now };
      batch.push(offer);
      this.sink.offered(best, offer);
    }
    log.push(now, Ev.AllocRound, -1, -1, -1, nodes.length, offers);
    for (const [f, batch] of [...batches.entries()].sort((a, b) => a[0] - b[0])) this.sink.deliver(f, batch);
  }
}

import { dominantShareOf, type Resources } from "../../model/resources.ts";
import { holdsBack, mayOffer, type Wanting } from "./filters.ts";
import type { NodeArena } from "../../model/node-arena.ts";

/**
 * Which framework each node is offered to in one allocation round, by
 * Dominant Resource Fairness (sorter/drf/sorter.hpp `compareDRF`, Mesos
 * 1.11): among the frameworks that want the node and have not filtered it,
 * the smallest dominant share of its allocation with the round's offers so
 * far, then the fewest offers so far, then the lowest id. Holds the round's
 * allocations; the offer counts last across rounds.
 */
export class DrfRound {
  /** Per framework: how many node offers it was chosen for (the sorter's allocation count). */
  readonly allocations: Float64Array;
  /** Per framework: its allocation (cpu, memory, gpu at 3f..3f+2) with the round's offers added one by one. */
  readonly allocated: Float64Array;
  /** Per framework: the dominant share of `allocated`, and 1 while it is to be worked out again. */
  private readonly shares: Float64Array;
  private readonly staleShare: Uint8Array;
  /** The frameworks that want offers this round, in id order, with their filters. */
  private wanting: readonly Wanting[] = [];
  /** The usual round's shortcut (see `begin`): the one framework that wants any node, and the others' hoard counts. */
  private solo: Wanting | undefined;
  private others: Uint32Array[] = [];

  /**
   * `hoardMarks`: per node, 1 where some framework hoards (OfferSink.hoardMarks); unmarked nodes skip the
   * others' hoard counts. The counts and allocations are laid out in `arena`, where given (the filter
   * kernel's round reads and adds to them there).
   */
  constructor(
    frameworks: number,
    private readonly total: Resources,
    private readonly hoardMarks: Uint8Array,
    arena?: NodeArena,
  ) {
    this.allocations = arena?.f64(frameworks) ?? new Float64Array(frameworks);
    this.allocated = arena?.f64(3 * frameworks) ?? new Float64Array(3 * frameworks);
    this.shares = new Float64Array(frameworks);
    this.staleShare = new Uint8Array(frameworks);
  }

  /**
   * Starts a round: `wanting` as filters.wanting gives it, and each
   * framework's allocation (running + held + offered).
   *
   * When exactly one of them wants any node and the others want only the
   * nodes they hoard on (frameworks that revive for new work, while older
   * groups hoard), a node none of the others hoards on can go only to that
   * one: `choose` then answers without comparing shares.
   */
  begin(wanting: readonly Wanting[], allocation: (f: number) => Resources): void {
    this.wanting = wanting;
    for (let f = 0; f < this.allocations.length; f++) {
      const a = allocation(f);
      this.allocated[3 * f] = a.cpu;
      this.allocated[3 * f + 1] = a.memory;
      this.allocated[3 * f + 2] = a.gpu;
      this.staleShare[f] = 1;
    }
    this.solo = undefined;
    this.others = [];
    for (const w of wanting) {
      if (!w.anyNode) this.others.push(w.hoards);
      else if (this.solo === undefined) this.solo = w;
      else {
        this.solo = undefined;
        this.others = [];
        return;
      }
    }
  }

  /**
   * The shortcut's framework when it has set no filter since it revived
   * (else -1): every node that no framework in `othersHoards` hoards on
   * goes to it (what `choose` answers for such a node).
   */
  openSolo(): number {
    return this.solo !== undefined && !this.solo.live ? this.solo.f : -1;
  }

  /** The hoard counts of the frameworks that want only their hoard nodes, while the shortcut holds. */
  get othersHoards(): readonly Uint32Array[] {
    return this.others;
  }

  /** Framework f was offered `count` nodes, its allocation summed with them in order coming to (cpu, memory, gpu). */
  offeredSum(f: number, count: number, cpu: number, memory: number, gpu: number): void {
    const a = this.allocated;
    a[3 * f] = cpu;
    a[3 * f + 1] = memory;
    a[3 * f + 2] = gpu;
    this.allocations[f]! += count;
    this.staleShare[f] = 1;
  }

  /** The framework `node` (with free cpu, memory, gpu) is offered to now, or -1 if none may be. */
  choose(node: number, now: number, cpu: number, memory: number, gpu: number): number {
    const solo = this.solo;
    if (solo !== undefined) {
      const others = this.others;
      let hoarded = false;
      if (this.hoardMarks[node] === 1) for (let k = 0; k < others.length && !hoarded; k++) hoarded = others[k]![node]! > 0;
      if (!hoarded) return holdsBack(solo, node, now, cpu, memory, gpu) ? -1 : solo.f;
    }
    return this.compare(node, now, cpu, memory, gpu);
  }

  /**
   * The DRF comparison itself, over every wanting framework that may be
   * offered `node` (any node when -1). Exposed for the test that holds
   * `choose`'s shortcut to it.
   */
  compare(node: number, now: number, cpu: number, memory: number, gpu: number): number {
    const { wanting, allocations } = this;
    let best = -1;
    // Shares are worked out only once a second framework competes for the node (NaN: not yet).
    let bestShare = NaN;
    let bestCount = 0;
    for (let k = 0; k < wanting.length; k++) {
      const w = wanting[k]!;
      if (node >= 0 && !mayOffer(w, node, now, cpu, memory, gpu)) continue;
      if (best < 0) {
        best = w.f;
        continue;
      }
      if (Number.isNaN(bestShare)) {
        bestShare = this.shareOf(best);
        bestCount = allocations[best]!;
      }
      const share = this.shareOf(w.f);
      const count = allocations[w.f]!;
      if (share < bestShare || (share === bestShare && count < bestCount)) {
        bestShare = share;
        bestCount = count;
        best = w.f;
      }
    }
    return best;
  }

  /** The counts or allocations changed behind `offered` (the filter kernel's round): every share is worked out again when asked. */
  allocationsChanged(): void {
    this.staleShare.fill(1);
  }

  /** Framework f was offered (cpu, memory, gpu): its count and allocation grow before the next node is placed. */
  offered(f: number, cpu: number, memory: number, gpu: number): void {
    const a = this.allocated;
    this.allocations[f]!++;
    a[3 * f] = a[3 * f]! + cpu;
    a[3 * f + 1] = a[3 * f + 1]! + memory;
    a[3 * f + 2] = a[3 * f + 2]! + gpu;
    this.staleShare[f] = 1;
  }

  /** Framework f's dominant share of its allocation with the round's offers so far (worked out again only after an offer to it). */
  private shareOf(f: number): number {
    if (this.staleShare[f] === 1) {
      const a = this.allocated;
      this.shares[f] = dominantShareOf(a[3 * f]!, a[3 * f + 1]!, a[3 * f + 2]!, this.total);
      this.staleShare[f] = 0;
    }
    return this.shares[f]!;
  }
}

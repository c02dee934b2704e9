import type { Action } from "./queue.ts";

/** Phases a lane keeps apart (Phase's values are 0 to 3). */
const PHASES = 4;

/**
 * Events due at the instant the queue last popped, pushed while it is that
 * instant (a delay of 0: a scheduler's "start a cycle once this instant's
 * arrivals are in"): one first-in first-out ring per phase. Such an event is
 * earlier than every heap entry of a later time, so it needs no sifting; in
 * its phase, push order is sequence order. EventQueue takes the lane's first
 * entry (lowest phase, then oldest) when it comes before the heap's top.
 */
export class InstantLane {
  /** Per phase: ranks and actions in a ring (capacity a power of two), its head and length. */
  private readonly ranks: Float64Array[] = [];
  private readonly actions: (Action | undefined)[][] = [];
  private readonly heads = new Int32Array(PHASES);
  private readonly lengths = new Int32Array(PHASES);
  /** Entries in all phases. */
  size = 0;

  constructor(capacity = 64) {
    for (let p = 0; p < PHASES; p++) {
      this.ranks.push(new Float64Array(capacity));
      this.actions.push(new Array<Action | undefined>(capacity).fill(undefined));
    }
  }

  push(phase: number, rank: number, action: Action): void {
    let ranks = this.ranks[phase]!;
    if (this.lengths[phase] === ranks.length) ranks = this.grow(phase);
    const at = (this.heads[phase]! + this.lengths[phase]!) & (ranks.length - 1);
    ranks[at] = rank;
    this.actions[phase]![at] = action;
    this.lengths[phase]!++;
    this.size++;
  }

  /** The phase of the first entry (lowest phase with entries); only when size > 0. */
  firstPhase(): number {
    const lengths = this.lengths;
    let p = 0;
    while (lengths[p] === 0) p++;
    return p;
  }

  /** The rank of the first entry of `phase` (which has entries). */
  headRank(phase: number): number {
    return this.ranks[phase]![this.heads[phase]!]!;
  }

  /** Removes the first entry of `phase` (which has entries) and returns its action. */
  shift(phase: number): Action {
    const head = this.heads[phase]!;
    const actions = this.actions[phase]!;
    const action = actions[head]!;
    actions[head] = undefined;
    this.heads[phase] = (head + 1) & (actions.length - 1);
    this.lengths[phase]!--;
    this.size--;
    return action;
  }

  /** Doubles the phase's ring, its entries moved to the front in order. */
  private grow(phase: number): Float64Array {
    const ranks = this.ranks[phase]!;
    const actions = this.actions[phase]!;
    const cap = ranks.length;
    const head = this.heads[phase]!;
    const nextRanks = new Float64Array(cap * 2);
    const nextActions = new Array<Action | undefined>(cap * 2).fill(undefined);
    for (let i = 0; i < cap; i++) {
      nextRanks[i] = ranks[(head + i) & (cap - 1)]!;
      nextActions[i] = actions[(head + i) & (cap - 1)];
    }
    this.ranks[phase] = nextRanks;
    this.actions[phase] = nextActions;
    this.heads[phase] = 0;
    return nextRanks;
  }
}

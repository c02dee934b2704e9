import { InstantLane } from "./instant-lane.ts";
import type { Phase } from "./phase.ts";

/** What a scheduled event does when its time comes. */
export type Action = () => void;

/** A handle on a scheduled event, for cancelling it: its sequence number. */
export type EventId = number;

/** seq occupies the low 2^44 of rank; phase sits above it. */
const SEQ_SPAN = 2 ** 44;

/**
 * Heap positions below this are chosen between without a branch: the top 15
 * levels (the first 256 KB of each array) stay in cache, where a mispredicted
 * branch costs most. Deeper, the loads miss the cache, and a predicted branch
 * lets the CPU start the next level's loads before the comparison resolves
 * (a branch-free choice there made popping a 1M-entry heap ~30 % slower).
 */
export const BRANCH_FREE_BELOW = 2 ** 15;

/**
 * Of the children `first` and `first + 1` of a heap of `n` entries, the one
 * ordered first by (time, rank); `s` holds each entry's slot and `r` the
 * ranks by slot. In the top levels (below BRANCH_FREE_BELOW) without a
 * branch on the (unpredictable) time comparison: +(a < b) compiles to a flag
 * read, not a jump. Equal times fall back to the ranks.
 */
function earlierChild(t: Float64Array, s: Int32Array, r: Float64Array, first: number, n: number): number {
  const right = first + 1;
  if (right >= n) return first;
  const tr = t[right]!;
  const tc = t[first]!;
  if (first < BRANCH_FREE_BELOW) {
    const child = first + +(tr < tc);
    return tr === tc && r[s[right]!]! < r[s[first]!]! ? right : child;
  }
  return tr < tc || (tr === tc && r[s[right]!]! < r[s[first]!]!) ? right : first;
}

/**
 * The event queue: a binary min-heap on typed arrays ordered by
 * (time, rank), rank = phase x 2^44 + seq. Each heap entry is its time and a
 * slot; the slot holds the event's action and rank, and slots are recycled
 * through a free list. So sifting moves two numbers per level (time and
 * slot; a rank is read only when two times are equal: with the rank moved
 * alongside, the hold model ran ~12 % more instructions per event), and
 * pushing and popping allocate nothing beyond amortised array growth.
 * Cancelled events stay in the heap and are dropped when they reach the
 * top: a cancel sets the event's bit in a bitset by sequence number, which
 * pop reads through the popped event's rank (its sequence number is the
 * rank's low part). A Set of cancelled ids cost every pop a hash look-up
 * once any cancel was pending, and kept forever the ids of events cancelled
 * after they fired.
 *
 * An event pushed for the instant last popped (a delay of 0) goes to an
 * InstantLane instead, where it needs no sifting; pop takes whichever of the
 * lane's first entry and the heap's top comes first by (time, rank), so the
 * order is the same.
 */
export class EventQueue {
  // The heap, in heap order: each entry's time and slot.
  private times: Float64Array;
  private slots: Int32Array;
  private count = 0;
  // Ranks and actions by slot, and the free slots.
  private ranks: Float64Array;
  private actions: (Action | undefined)[];
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private nextSeq = 0;
  /** Bit `seq` set: that event was cancelled. Covers sequence numbers up to the largest cancelled one. */
  private cancelledBits = new Uint32Array(0);
  private anyCancelled = false;
  /** Events for the instant `laneTime`, pushed once it was popped. */
  private readonly lane = new InstantLane();
  private laneTime = 0;

  /** The entry removed by the last pop: its time and rank, and its action (undefined if it was cancelled). */
  time = 0;
  rank = 0;
  action: Action | undefined = undefined;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.ranks = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
    this.actions = new Array<Action | undefined>(capacity).fill(undefined);
    this.freeSlots = new Int32Array(capacity);
  }

  /** Entries queued, cancelled ones included. */
  get size(): number {
    return this.count + this.lane.size;
  }

  push(time: number, phase: Phase, action: Action): EventId {
    const seq = this.nextSeq++;
    if (seq >= SEQ_SPAN) throw new Error("event queue: sequence number space exhausted");
    const rank = phase * SEQ_SPAN + seq;
    // The instant last popped: into the lane (one instant at a time).
    if (time === this.time && (this.lane.size === 0 || time === this.laneTime)) {
      this.laneTime = time;
      this.lane.push(phase, rank, action);
      return seq;
    }
    if (this.count === this.times.length) this.grow();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount]! : this.slotsUsed++;
    this.actions[slot] = action;
    const t = this.times;
    const r = this.ranks;
    const s = this.slots;
    r[slot] = rank;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent]!;
      if (pt < time || (pt === time && r[s[parent]!]! < rank)) break;
      t[i] = pt;
      s[i] = s[parent]!;
      i = parent;
    }
    t[i] = time;
    s[i] = slot;
    return seq;
  }

  /** Marks an event cancelled. Cancelling an event that already fired does nothing. */
  cancel(id: EventId): void {
    if (!(Number.isInteger(id) && id >= 0 && id < this.nextSeq)) return; // never scheduled: nothing to cancel
    const word = Math.floor(id / 32);
    if (word >= this.cancelledBits.length) {
      const bits = new Uint32Array(Math.max(word + 1, 2 * this.cancelledBits.length));
      bits.set(this.cancelledBits);
      this.cancelledBits = bits;
    }
    this.cancelledBits[word]! |= 1 << id % 32;
    this.anyCancelled = true;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    const heap = this.count === 0 ? Infinity : this.times[0]!;
    return this.lane.size > 0 && this.laneTime < heap ? this.laneTime : heap;
  }

  /** pop(), but only if the earliest entry is due at or before `until`. */
  popUntil(until: number): boolean {
    return ((this.count > 0 && this.times[0]! <= until) || (this.lane.size > 0 && this.laneTime <= until)) && this.pop();
  }

  /**
   * Removes the earliest entry and exposes it in `time`, `rank` and `action`
   * (`action` is undefined for a cancelled entry). Returns false when empty.
   */
  pop(): boolean {
    if (this.lane.size > 0 && this.popLane()) return true;
    if (this.count === 0) return false;
    const t = this.times;
    const r = this.ranks;
    const s = this.slots;
    const top = s[0]!;
    this.time = t[0]!;
    this.rank = r[top]!;
    this.action = this.actions[top];
    this.actions[top] = undefined;
    this.freeSlots[this.freeCount++] = top;
    if (this.anyCancelled) this.dropIfCancelled();
    const n = --this.count;
    if (n === 0) return true;
    const time = t[n]!;
    const slot = s[n]!;
    const rank = r[slot]!;
    let i = 0;
    for (;;) {
      const first = 2 * i + 1;
      if (first >= n) break;
      const child = earlierChild(t, s, r, first, n);
      const ct = t[child]!;
      if (time < ct || (time === ct && rank < r[s[child]!]!)) break;
      t[i] = ct;
      s[i] = s[child]!;
      i = child;
    }
    t[i] = time;
    s[i] = slot;
    return true;
  }

  /** Pops the lane's first entry if it comes before the heap's top; false (nothing popped) if not. */
  private popLane(): boolean {
    const lane = this.lane;
    const phase = lane.firstPhase();
    const rank = lane.headRank(phase);
    if (this.count > 0) {
      const ht = this.times[0]!;
      if (ht < this.laneTime || (ht === this.laneTime && this.ranks[this.slots[0]!]! < rank)) return false;
    }
    this.time = this.laneTime;
    this.rank = rank;
    this.action = lane.shift(phase);
    if (this.anyCancelled) this.dropIfCancelled();
    return true;
  }

  /** The popped event was cancelled: its action is dropped. */
  private dropIfCancelled(): void {
    const seq = this.rank % SEQ_SPAN;
    const word = Math.floor(seq / 32);
    if (word < this.cancelledBits.length && (this.cancelledBits[word]! >>> seq % 32) & 1) this.action = undefined;
  }

  /** Doubles the heap and the by-slot arrays together (there are never more slots in use than entries). */
  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const ranks = new Float64Array(cap);
    ranks.set(this.ranks);
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    const free = new Int32Array(cap);
    free.set(this.freeSlots);
    const actions = new Array<Action | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.slotsUsed; i++) actions[i] = this.actions[i];
    this.times = times;
    this.ranks = ranks;
    this.slots = slots;
    this.freeSlots = free;
    this.actions = actions;
  }
}

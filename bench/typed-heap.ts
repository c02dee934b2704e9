// The same threshold as the engine queue for its branch-free child choice in the cached top levels.
import { BRANCH_FREE_BELOW } from "../sim/engine/queue.ts";

/**
 * Of the children `first` and `first + 1` of a heap of `n` entries, the one
 * ordered first by (time, rank), ranks kept by heap position. The same
 * choice as the engine queue's (which reads ranks through slots).
 */
function smallerChild(t: Float64Array, r: Float64Array, first: number, n: number): number {
  const right = first + 1;
  if (right >= n) return first;
  const tr = t[right]!;
  const tc = t[first]!;
  if (first < BRANCH_FREE_BELOW) {
    const child = first + +(tr < tc);
    return tr === tc && r[right]! < r[first]! ? right : child;
  }
  return tr < tc || (tr === tc && r[right]! < r[first]!) ? right : first;
}

/**
 * Reference point for the engine queue benchmark: a binary min-heap on typed
 * arrays keyed by (time, rank), holding an int payload. No objects per entry.
 */
export class TypedHeap {
  private time: Float64Array;
  private rank: Float64Array;
  private value: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.rank = new Float64Array(capacity);
    this.value = new Int32Array(capacity);
  }

  push(time: number, rank: number, value: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    const t = this.time;
    const r = this.rank;
    const v = this.value;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent]!;
      if (pt < time || (pt === time && r[parent]! <= rank)) break;
      t[i] = pt;
      r[i] = r[parent]!;
      v[i] = v[parent]!;
      i = parent;
    }
    t[i] = time;
    r[i] = rank;
    v[i] = value;
  }

  /** Time of the top entry (valid when size > 0). */
  peekTime(): number {
    return this.time[0]!;
  }

  /** Removes the top entry and returns its value. */
  pop(): number {
    const t = this.time;
    const r = this.rank;
    const v = this.value;
    const top = v[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const time = t[n]!;
    const rank = r[n]!;
    const value = v[n]!;
    let i = 0;
    for (;;) {
      const first = 2 * i + 1;
      if (first >= n) break;
      const child = smallerChild(t, r, first, n);
      const ct = t[child]!;
      if (time < ct || (time === ct && rank <= r[child]!)) break;
      t[i] = ct;
      r[i] = r[child]!;
      v[i] = v[child]!;
      i = child;
    }
    t[i] = time;
    r[i] = rank;
    v[i] = value;
    return top;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    const r = new Float64Array(cap);
    r.set(this.rank);
    const v = new Int32Array(cap);
    v.set(this.value);
    this.time = t;
    this.rank = r;
    this.value = v;
  }
}

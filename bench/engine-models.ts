import FastPriorityQueue from "fastpriorityqueue";
import { EventQueue } from "../sim/engine/queue.ts";
import { Phase, Rng, Simulator } from "../sim/engine/index.ts";
import { TypedHeap } from "./typed-heap.ts";

/** Exponential(1) increments drawn up front, so the queue benchmarks time the queue alone. */
export function increments(n: number, seed = "bench"): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.exponential(1);
  return out;
}

const noop = (): void => {};

/** Classic hold model on the engine queue: `pending` events, then `ops` pop-one-push-one. Returns ops. */
export function holdEngineQueue(pending: number, ops: number, inc: Float64Array): number {
  const q = new EventQueue();
  for (let i = 0; i < pending; i++) q.push(inc[i % inc.length]!, Phase.Arrival, noop);
  for (let i = 0; i < ops; i++) {
    q.pop();
    q.push(q.time + inc[i % inc.length]!, Phase.Arrival, noop);
  }
  return ops;
}

interface FpqEvent {
  readonly time: number;
  readonly rank: number;
  readonly action: () => void;
}
const fpqBefore = (a: FpqEvent, b: FpqEvent): boolean => a.time < b.time || (a.time === b.time && a.rank < b.rank);

/** The same hold model on fastpriorityqueue with one object per event (the library baseline). */
export function holdFastPriorityQueue(pending: number, ops: number, inc: Float64Array): number {
  const q = new FastPriorityQueue<FpqEvent>(fpqBefore);
  let seq = 0;
  for (let i = 0; i < pending; i++) q.add({ time: inc[i % inc.length]!, rank: seq++, action: noop });
  for (let i = 0; i < ops; i++) {
    const e = q.poll()!;
    q.add({ time: e.time + inc[i % inc.length]!, rank: seq++, action: noop });
  }
  return ops;
}

export function holdTypedHeap(pending: number, ops: number, inc: Float64Array): number {
  const h = new TypedHeap(pending + 1);
  let seq = 0;
  for (let i = 0; i < pending; i++) h.push(inc[i % inc.length]!, seq++, i);
  for (let i = 0; i < ops; i++) {
    const t = h.peekTime();
    const v = h.pop();
    h.push(t + inc[i % inc.length]!, seq++, v);
  }
  return ops;
}

/** Bulk: push `n` events, then pop them all. Returns operations (push + pop). */
export function bulkEngineQueue(n: number, inc: Float64Array): number {
  const q = new EventQueue();
  for (let i = 0; i < n; i++) q.push(inc[i % inc.length]! * 1000, Phase.Arrival, noop);
  while (q.pop());
  return 2 * n;
}

export function bulkTypedHeap(n: number, inc: Float64Array): number {
  const h = new TypedHeap(n);
  for (let i = 0; i < n; i++) h.push(inc[i % inc.length]! * 1000, i, i);
  while (h.size > 0) h.pop();
  return 2 * n;
}

/**
 * The peer model, as in SimPy: `processes` processes each wait `timeouts`
 * exponential(1) timeouts in turn. Returns events processed.
 */
export function holdProcesses(processes: number, timeouts: number, seed = "bench"): number {
  const sim = new Simulator();
  const rng = new Rng(seed);
  for (let p = 0; p < processes; p++) {
    let left = timeouts;
    const step = (): void => {
      if (--left > 0) sim.after(rng.exponential(1), Phase.Arrival, step);
    };
    sim.after(rng.exponential(1), Phase.Arrival, step);
  }
  sim.run(Number.MAX_VALUE);
  return sim.eventsProcessed;
}

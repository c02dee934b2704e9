import FastPriorityQueue from "fastpriorityqueue";
import type { Phase } from "./phase.ts";

/** What a scheduled event does when its time comes. */
export type Action = () => void;

/**
 * One pending event. `rank` packs (phase, seq) into one number so the heap
 * compares two numbers: time first, then phase, then insertion order.
 */
export interface ScheduledEvent {
  readonly time: number;
  readonly phase: Phase;
  readonly seq: number;
  readonly rank: number;
  readonly action: Action;
  cancelled: boolean;
}

/** seq occupies the low 2^44 of rank; phase sits above it. */
const SEQ_SPAN = 2 ** 44;

export function rankOf(phase: Phase, seq: number): number {
  return phase * SEQ_SPAN + seq;
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.rank < b.rank);
}

/** The event queue: a binary heap ordered by (time, phase, seq). */
export class EventQueue {
  private readonly heap = new FastPriorityQueue<ScheduledEvent>(before);
  private nextSeq = 0;

  get size(): number {
    return this.heap.size;
  }

  push(time: number, phase: Phase, action: Action): ScheduledEvent {
    const seq = this.nextSeq++;
    if (seq >= SEQ_SPAN) throw new Error("event queue: sequence number space exhausted");
    const event: ScheduledEvent = { time, phase, seq, rank: rankOf(phase, seq), action, cancelled: false };
    this.heap.add(event);
    return event;
  }

  peek(): ScheduledEvent | undefined {
    return this.heap.peek();
  }

  pop(): ScheduledEvent | undefined {
    return this.heap.poll();
  }
}

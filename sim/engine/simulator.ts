import { Phase } from "./phase.ts";
import { EventQueue, type Action, type EventId } from "./queue.ts";

export type { Action, EventId } from "./queue.ts";

/** Called after every processed event, e.g. by a validating observer in tests. */
export type Observer = (now: number) => void;

/** Events at one instant beyond which a run is a livelock: it would never leave that instant. */
export const LIVELOCK_EVENTS = 1_000_000;

/**
 * The discrete-event core: a clock, an event queue and a loop.
 * Failures are loud: scheduling into the past or at a non-finite time throws.
 */
export class Simulator {
  private readonly queue = new EventQueue();
  private readonly observers: Observer[] = [];
  private clock = 0;
  private processed = 0;
  /** Events processed at the current instant, to call a livelock loudly. */
  private atInstant = 0;

  /** Current simulated time in seconds. */
  get now(): number {
    return this.clock;
  }

  /** Events processed so far (cancelled events are not counted). */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events still waiting in the queue, cancelled ones included. */
  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `action` at absolute time `at`. */
  schedule(at: number, phase: Phase, action: Action): EventId {
    if (!(at >= this.clock && at < Infinity)) this.refuse(at);
    return this.queue.push(at, phase, action);
  }

  /** Schedules `action` `delay` seconds from now. */
  after(delay: number, phase: Phase, action: Action): EventId {
    const at = this.clock + delay;
    if (!(delay >= 0 && at < Infinity)) throw new Error(`simulator: delay must be finite and >= 0, got ${delay}`);
    return this.queue.push(at, phase, action);
  }

  private refuse(at: number): never {
    if (!Number.isFinite(at)) throw new Error(`simulator: cannot schedule at non-finite time ${at}`);
    throw new Error(`simulator: cannot schedule at ${at}, before now (${this.clock})`);
  }

  /** Cancels a scheduled event; it is skipped when its time comes. Stale handles are ignored. */
  cancel(event: EventId): void {
    this.queue.cancel(event);
  }

  observe(observer: Observer): void {
    this.observers.push(observer);
  }

  /** Processes the next live event. Returns false when the queue is empty. */
  step(): boolean {
    const queue = this.queue;
    while (queue.pop()) {
      const action = queue.action;
      if (action === undefined) continue;
      this.fire(queue.time, action);
      return true;
    }
    return false;
  }

  /**
   * Processes every event with time <= until, then sets the clock to `until`
   * and returns true. With `maxEvents`, stops after that many events instead
   * (the clock stays at the last one) and returns false when events <= until
   * remain: a long run can then be simulated in slices of bounded work.
   */
  run(until: number, maxEvents = Infinity): boolean {
    if (!(until >= this.clock)) throw new Error(`simulator: run(${until}) is before now (${this.clock})`);
    const queue = this.queue;
    const observers = this.observers;
    const stop = this.processed + maxEvents;
    while (this.processed < stop && queue.popUntil(until)) {
      const action = queue.action;
      if (action === undefined) continue;
      const time = queue.time;
      if (time === this.clock) {
        if (++this.atInstant > LIVELOCK_EVENTS) this.livelock();
      } else this.atInstant = 0;
      this.clock = time;
      this.processed++;
      action();
      if (observers.length > 0) for (let i = 0; i < observers.length; i++) observers[i]!(time);
    }
    if (this.processed >= stop && queue.peekTime() <= until) return false;
    this.clock = until;
    return true;
  }

  private livelock(): never {
    throw new Error(
      `simulator: no progress in simulated time: over ${LIVELOCK_EVENTS.toLocaleString("en-US")} events at t=${this.clock} (a livelock: with a decision time of 0, a scheduler can retry rejected work forever within one instant; give decision.tJob > 0)`,
    );
  }

  private fire(time: number, action: Action): void {
    this.clock = time;
    this.processed++;
    action();
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!(time);
  }
}

export { Phase };

import { DeadlockResolution, Ev, type EventLog } from "../../metrics/log.ts";
import { fitsIn, sub, type Resources } from "../../model/resources.ts";

/** A group waiting on one node: all its members arrived, it holds `held` there and needs `need` in all. */
export interface Waiter {
  readonly index: number;
  readonly need: Resources;
  readonly held: Resources;
}

/**
 * Deadlock by reduction (Coffman/Holt), for the waiters of one node: assume
 * every running container finishes; repeatedly remove a waiter whose whole
 * need fits the node's capacity minus what the *other* remaining waiters hold
 * there. The waiters left can never proceed unless someone releases a hold.
 * A waiter whose need exceeds the node's capacity is never removed. Pure.
 */
export function stuckWaiters(capacity: Resources, waiters: readonly Waiter[]): Waiter[] {
  let remaining = [...waiters];
  let heldTotal = { cpu: 0, memory: 0, gpu: 0 };
  for (const w of remaining) heldTotal = { cpu: heldTotal.cpu + w.held.cpu, memory: heldTotal.memory + w.held.memory, gpu: heldTotal.gpu + w.held.gpu };
  for (let changed = true; changed && remaining.length > 0; ) {
    changed = false;
    const next: Waiter[] = [];
    for (const w of remaining) {
      const others = sub(heldTotal, w.held);
      if (fitsIn(w.need, sub(capacity, others))) {
        heldTotal = others;
        changed = true;
      } else {
        next.push(w);
      }
    }
    remaining = next;
  }
  return remaining;
}

/** What is stuck on one node: hold-and-wait among two or more groups, and stalls. */
export interface Stuck {
  readonly deadlocked: Waiter[];
  readonly stalled: Waiter[];
}

/**
 * Splits the stuck waiters of a node. A waiter whose need exceeds the node's
 * capacity is stalled: it waits for what the node can never give, whoever
 * releases. So is one stuck only behind a stalled waiter's hold. The waiters
 * that stay stuck among themselves once the stalled ones are set aside (two
 * or more: a lone waiter that fits the node is never stuck) are deadlocked.
 * `starved`: the node's free resources are below the allocator's minimum
 * offer and nothing but these waiters could release there, so no offer will
 * come: every waiter not otherwise stuck is stalled too. Pure.
 */
export function classifyStuck(capacity: Resources, waiters: readonly Waiter[], starved: boolean): Stuck {
  if (waiters.length === 1) {
    // The usual case, answered without the general pass: a lone waiter is in no hold-and-wait, and is
    // stalled when the node can never give it its need (starved, or a need beyond the capacity).
    const w = waiters[0]!;
    return { deadlocked: [], stalled: starved || !fitsIn(w.need, capacity) ? [w] : [] };
  }
  const fitting = waiters.filter((w) => fitsIn(w.need, capacity));
  const deadlocked = stuckWaiters(capacity, fitting);
  const inDeadlock = new Set(deadlocked.map((w) => w.index));
  const stuck = starved ? waiters : stuckWaiters(capacity, waiters);
  const stalled = stuck.filter((w) => !inDeadlock.has(w.index));
  return { deadlocked, stalled };
}

/** The events one book writes. */
export interface BookEvents {
  readonly join: typeof Ev.DeadlockJoin | typeof Ev.StallJoin;
  readonly leave: typeof Ev.DeadlockLeave | typeof Ev.StallLeave;
  readonly end: typeof Ev.DeadlockEnd | typeof Ev.StallEnd;
}

export const DEADLOCK_EVENTS: BookEvents = { join: Ev.DeadlockJoin, leave: Ev.DeadlockLeave, end: Ev.DeadlockEnd };
export const STALL_EVENTS: BookEvents = { join: Ev.StallJoin, leave: Ev.StallLeave, end: Ev.StallEnd };

/**
 * The open deadlock (or stall) of each node, written to the event log: one
 * join per group when it enters, a leave for a group that stops being stuck
 * while others stay, one end when nothing is stuck any more.
 */
export class DeadlockBook {
  private readonly open = new Map<number, { id: number; groups: Set<number> }>();

  constructor(
    private readonly log: EventLog,
    private readonly events: BookEvents = DEADLOCK_EVENTS,
    /** The id counter, shared with the cross-node book of gangs (gang-deadlock.ts). */
    private readonly ids: { next: number } = { next: 0 },
  ) {}

  isOpen(node: number): boolean {
    return this.open.has(node);
  }

  /** Records that `stuck` is what is deadlocked (stalled) on `node` now. */
  update(now: number, node: number, stuck: readonly Waiter[], endedBy: number, endedGroup = -1): void {
    const current = this.open.get(node);
    if (stuck.length === 0) {
      if (current !== undefined) {
        this.open.delete(node);
        this.log.push(now, this.events.end, endedGroup, node, current.id, endedBy);
      }
      return;
    }
    const entry = current ?? { id: this.ids.next++, groups: new Set<number>() };
    if (current === undefined) this.open.set(node, entry);
    if (entry.groups.size > 0) {
      const still = new Set(stuck.map((w) => w.index));
      for (const g of [...entry.groups]) {
        if (still.has(g)) continue;
        entry.groups.delete(g);
        this.log.push(now, this.events.leave, g, node, entry.id);
      }
    }
    for (const w of stuck) {
      if (entry.groups.has(w.index)) continue;
      entry.groups.add(w.index);
      this.log.pushResources(now, this.events.join, w.index, node, entry.id, w.held);
    }
  }
}

export { DeadlockResolution };

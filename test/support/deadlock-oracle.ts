import { fitsIn, type Resources } from "../../sim/model/resources.ts";
import type { Waiter } from "../../sim/strategies/mesos/deadlock.ts";

/**
 * Brute-force deadlock oracle for at most 4 waiters on one node: explores
 * every order in which waiters could proceed (a waiter proceeds when its
 * whole need fits the node's capacity minus what the waiters that have not
 * proceeded yet, other than itself, hold; running containers are assumed to
 * finish). A waiter that proceeds in no order is deadlocked. Exhaustive,
 * independent of the detector's reduction.
 */
export function bruteForceStuck(capacity: Resources, waiters: readonly Waiter[]): Set<number> {
  if (waiters.length > 4) throw new Error(`oracle: ${waiters.length} waiters (at most 4)`);
  const can = new Set<number>();
  const seen = new Set<number>();
  const explore = (done: number): void => {
    if (seen.has(done)) return;
    seen.add(done);
    waiters.forEach((w, i) => {
      if (done & (1 << i)) return;
      let cpu = 0;
      let memory = 0;
      let gpu = 0;
      waiters.forEach((o, j) => {
        if (j === i || done & (1 << j)) return;
        cpu += o.held.cpu;
        memory += o.held.memory;
        gpu += o.held.gpu;
      });
      const left = { cpu: capacity.cpu - cpu, memory: capacity.memory - memory, gpu: capacity.gpu - gpu };
      if (fitsIn(w.need, left)) {
        can.add(w.index);
        explore(done | (1 << i));
      }
    });
  };
  explore(0);
  return new Set(waiters.filter((w) => !can.has(w.index)).map((w) => w.index));
}

/**
 * The oracle's split of a node's stuck waiters: deadlocked = what is stuck by
 * brute force among the waiters whose need fits the node; stalled = the rest
 * of what is stuck among all waiters (every waiter when the node is starved:
 * no offer of it can come).
 */
export function bruteForceClassify(capacity: Resources, waiters: readonly Waiter[], starved: boolean): { deadlocked: Set<number>; stalled: Set<number> } {
  const deadlocked = bruteForceStuck(
    capacity,
    waiters.filter((w) => fitsIn(w.need, capacity)),
  );
  const stuck = starved ? new Set(waiters.map((w) => w.index)) : bruteForceStuck(capacity, waiters);
  return { deadlocked, stalled: new Set([...stuck].filter((g) => !deadlocked.has(g))) };
}

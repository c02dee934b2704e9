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

/** A tiny cluster for the gang oracle: capacities per node. */
export interface TinyCluster {
  readonly capacity: readonly Resources[];
}

/** A waiting gang as the oracle sees it: its Pods, quorum, and what it holds per node. */
export interface TinyGang {
  readonly index: number;
  readonly pods: readonly Resources[];
  readonly quorum: number;
  readonly held: ReadonlyMap<number, Resources>;
}

/**
 * Brute-force cross-node deadlock oracle for tiny cases (at most 4 gangs,
 * 3 nodes, 4 Pods each): explores every order in which gangs could proceed;
 * a gang proceeds when some `quorum` of its Pods can be assigned to nodes
 * (every assignment tried) within each node's capacity minus what the gangs
 * that have not proceeded yet, other than itself, hold there. A gang that
 * proceeds in no order is stuck. Independent of the detector's reduction and
 * its packing shortcuts.
 */
export function bruteForceStuckGangs(cluster: TinyCluster, gangs: readonly TinyGang[]): Set<number> {
  if (gangs.length > 4) throw new Error(`oracle: ${gangs.length} gangs (at most 4)`);
  const nodes = cluster.capacity.length;
  const can = new Set<number>();
  const seen = new Set<number>();
  const fits = (g: TinyGang, left: Resources[]): boolean => {
    // Assign Pods one by one to a node or to none, until quorum are placed.
    const place = (p: number, placed: number): boolean => {
      if (placed >= g.quorum) return true;
      if (p === g.pods.length || g.pods.length - p < g.quorum - placed) return false;
      const pod = g.pods[p]!;
      for (let n = 0; n < nodes; n++) {
        const l = left[n]!;
        if (!fitsIn(pod, l)) continue;
        left[n] = { cpu: l.cpu - pod.cpu, memory: l.memory - pod.memory, gpu: l.gpu - pod.gpu };
        const ok = place(p + 1, placed + 1);
        left[n] = l;
        if (ok) return true;
      }
      return place(p + 1, placed);
    };
    return place(0, 0);
  };
  const explore = (done: number): void => {
    if (seen.has(done)) return;
    seen.add(done);
    gangs.forEach((g, i) => {
      if (done & (1 << i)) return;
      const left = cluster.capacity.map((c, n) => {
        let cpu = c.cpu;
        let memory = c.memory;
        let gpu = c.gpu;
        gangs.forEach((o, j) => {
          if (j === i || done & (1 << j)) return;
          const h = o.held.get(n);
          if (h === undefined) return;
          cpu -= h.cpu;
          memory -= h.memory;
          gpu -= h.gpu;
        });
        return { cpu, memory, gpu };
      });
      if (fits(g, left)) {
        can.add(g.index);
        explore(done | (1 << i));
      }
    });
  };
  explore(0);
  return new Set(gangs.filter((g) => !can.has(g.index)).map((g) => g.index));
}

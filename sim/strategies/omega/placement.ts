import type { Rng } from "../../engine/index.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { Resources } from "../../model/resources.ts";
import { numFeasibleNodesToFind, scoreNode } from "../scoring.ts";

export const PLACEMENTS = ["random-first-fit", "random-start-first-fit", "first-fit", "least-allocated"] as const;
export type Placement = (typeof PLACEMENTS)[number];

const LEAST_ALLOCATED_WEIGHTS = { cpu: 1, memory: 1, gpu: 0 };

/** Picks a node that fits `request` (and `mask`, the group's selector) on the live cell state, or -1. */
export type Placer = (request: Resources, mask?: Uint8Array) => number;

/**
 * One scheduler's placement algorithm:
 * - `random-first-fit`: the Omega simulator's random probe
 *   (`CoreClusterSimulation.scala`, `scheduleJob`): draw a machine uniformly
 *   from a candidate pool; if it fits take it, else swap it out of the pool's
 *   live range and draw again. The pool's order persists between calls, as
 *   the simulator's `candidatePoolCache` does. The result is uniform among
 *   the fitting nodes;
 * - `random-start-first-fit`: the first fitting node scanning from a random
 *   start (cosched's model before 0.2; biased towards nodes after long runs
 *   of full ones);
 * - `first-fit`: the first fitting node in node order (hand-checkable);
 * - `least-allocated`: kube's LeastAllocated score over the first
 *   numFeasibleNodesToFind fitting nodes from a random start, seeded tie-break.
 */
export function makePlacer(placement: Placement, cluster: Cluster, rng: Rng): Placer {
  const n = cluster.size;
  const fits = (node: number, request: Resources, mask: Uint8Array | undefined): boolean => (mask === undefined || mask[node] === 1) && cluster.fits(node, request);
  switch (placement) {
    case "first-fit":
      return (request, mask) => {
        for (let node = 0; node < n; node++) if (fits(node, request, mask)) return node;
        return -1;
      };
    case "random-first-fit": {
      const pool = new Int32Array(n);
      for (let i = 0; i < n; i++) pool[i] = i;
      return (request, mask) => {
        let remaining = n;
        while (remaining > 0) {
          const i = rng.int(remaining);
          const node = pool[i]!;
          if (fits(node, request, mask)) return node;
          pool[i] = pool[remaining - 1]!;
          pool[remaining - 1] = node;
          remaining--;
        }
        return -1;
      };
    }
    case "random-start-first-fit":
      return (request, mask) => {
        if (n === 0) return -1;
        const start = rng.int(n);
        for (let i = 0, node = start; i < n; i++, node = node + 1 === n ? 0 : node + 1) if (fits(node, request, mask)) return node;
        return -1;
      };
    case "least-allocated":
      return (request, mask) => {
        if (n === 0) return -1;
        const start = rng.int(n);
        const want = numFeasibleNodesToFind(n);
        let found = 0;
        let best = -1;
        let bestScore = -Infinity;
        let ties = 0;
        for (let i = 0, node = start; i < n && found < want; i++, node = node + 1 === n ? 0 : node + 1) {
          if (!fits(node, request, mask)) continue;
          found++;
          const score = scoreNode("LeastAllocated", LEAST_ALLOCATED_WEIGHTS, cluster, node, request);
          if (score > bestScore) {
            bestScore = score;
            best = node;
            ties = 1;
          } else if (score === bestScore && rng.int(++ties) === 0) {
            best = node;
          }
        }
        return best;
      };
  }
}

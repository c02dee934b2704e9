import type { Rng } from "../../engine/index.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { Resources } from "../../model/resources.ts";
import { numFeasibleNodesToFind, scoreNode } from "../scoring.ts";

export const PLACEMENTS = ["random-first-fit", "first-fit", "least-allocated"] as const;
export type Placement = (typeof PLACEMENTS)[number];

const LEAST_ALLOCATED_WEIGHTS = { cpu: 1, memory: 1, gpu: 0 };

/**
 * Picks a node that fits `request` (and `mask`, the group's selector) on the live cell state, or -1:
 * - `random-first-fit`: the first fitting node scanning from a random start
 *   (the Omega simulator's randomized first fit);
 * - `first-fit`: the first fitting node in node order (hand-checkable);
 * - `least-allocated`: kube's LeastAllocated score over the first
 *   numFeasibleNodesToFind fitting nodes from a random start, seeded tie-break.
 */
export function pickNode(placement: Placement, cluster: Cluster, request: Resources, rng: Rng, mask?: Uint8Array): number {
  const n = cluster.size;
  if (n === 0) return -1;
  const ok = (node: number): boolean => (mask === undefined || mask[node] === 1) && cluster.fits(node, request);
  if (placement === "first-fit") {
    for (let node = 0; node < n; node++) if (ok(node)) return node;
    return -1;
  }
  const start = rng.int(n);
  if (placement === "random-first-fit") {
    for (let i = 0, node = start; i < n; i++, node = node + 1 === n ? 0 : node + 1) {
      if (ok(node)) return node;
    }
    return -1;
  }
  const want = numFeasibleNodesToFind(n);
  let found = 0;
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  for (let i = 0, node = start; i < n && found < want; i++, node = node + 1 === n ? 0 : node + 1) {
    if (!ok(node)) continue;
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
}

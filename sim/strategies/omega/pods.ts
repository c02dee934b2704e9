import type { Cluster } from "../../model/cluster.ts";
import { ClaimDelta } from "../../model/claims.ts";
import { podRequest, type Group } from "../../model/group.ts";
import type { Resources } from "../../model/resources.ts";
import type { Placer } from "./placement.ts";

/** A transaction's plan for Pods of a gang or job: one claim per Pod (tag = Pod index), and the nodes' sequence numbers at sync. */
export interface PodPlan {
  readonly claims: ClaimDelta[];
  readonly synced: Map<number, number>;
  /** Pods the scheduler found no node for. */
  readonly unplaced: number;
}

/**
 * Plans Pods `pods` of a gang or job on the cell state as the scheduler
 * synced it: each Pod (its containers together, with the Pod overhead) on a
 * node chosen by `place`, the Pods planned before it counted as claimed (the
 * Omega simulator places a job's tasks one after another on its private cell
 * state). The tentative claims are applied to plan the next Pods and
 * reverted at once, leaving the cell exactly as it was. With `allOrNothing`,
 * one Pod without a node leaves the plan empty.
 */
export function planPods(
  cluster: Cluster,
  seqs: Float64Array,
  place: Placer,
  group: Group,
  pods: readonly number[],
  overhead: Resources,
  allOrNothing: boolean,
): PodPlan {
  const claims: ClaimDelta[] = [];
  const synced = new Map<number, number>();
  const mask = group.selector === undefined ? undefined : cluster.selectorMask(group.selector);
  let unplaced = 0;
  for (const p of pods) {
    const request = podRequest(group, p, overhead);
    const node = place(request, mask);
    if (node < 0) {
      unplaced++;
      if (allOrNothing) break;
      continue;
    }
    if (!synced.has(node)) synced.set(node, seqs[node]!);
    const claim = new ClaimDelta(node, request, p);
    claim.apply(cluster);
    claims.push(claim);
  }
  for (let i = claims.length - 1; i >= 0; i--) claims[i]!.revert(cluster);
  if (allOrNothing && unplaced > 0) return { claims: [], synced, unplaced };
  return { claims, synced, unplaced };
}

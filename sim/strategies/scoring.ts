import type { Cluster } from "../model/cluster.ts";
import type { Resources } from "../model/resources.ts";

/** kube-scheduler's framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;
/** kube-scheduler: below this many nodes every node is examined. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** kube-scheduler: the adaptive percentage never drops below this. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export const SCORING_STRATEGIES = ["LeastAllocated", "MostAllocated", "BalancedAllocation"] as const;
export type ScoringStrategy = (typeof SCORING_STRATEGIES)[number];

/** Resource weights for NodeResourcesFit scoring (kube default: cpu 1, memory 1). */
export interface ScoreWeights {
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
}

/**
 * How many feasible nodes kube-scheduler looks for before it stops filtering
 * (numFeasibleNodesToFind). `percentage` 0 means adaptive: 50 - N/125, at
 * least 5, and never fewer than 100 nodes. Integer arithmetic, as in Go.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct === 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const num = Math.trunc((numAllNodes * pct) / 100);
  if (num < MIN_FEASIBLE_NODES_TO_FIND) return MIN_FEASIBLE_NODES_TO_FIND;
  return num;
}

/** ((capacity - requested) * 100) / capacity in int64 arithmetic; 0 when capacity is 0 or exceeded. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** (requested * 100) / capacity in int64 arithmetic; requested is capped at capacity. */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  const r = requested > capacity ? capacity : requested;
  return Math.trunc((r * MAX_NODE_SCORE) / capacity);
}

/**
 * Scores a node for a Pod with request `req` the way NodeResourcesFit and
 * NodeResourcesBalancedAllocation do: "requested" is what the node already
 * has allocated plus the Pod's request.
 */
export function scoreNode(strategy: ScoringStrategy, weights: ScoreWeights, cluster: Cluster, node: number, req: Resources): number {
  const capC = cluster.capCpu[node]!;
  const capM = cluster.capMemory[node]!;
  const capG = cluster.capGpu[node]!;
  const rqC = capC - cluster.freeCpu[node]! + req.cpu;
  const rqM = capM - cluster.freeMemory[node]! + req.memory;
  const rqG = capG - cluster.freeGpu[node]! + req.gpu;
  if (strategy === "BalancedAllocation") return balancedScore(weights, rqC, capC, rqM, capM, rqG, capG);
  const f = strategy === "LeastAllocated" ? leastRequestedScore : mostRequestedScore;
  let score = 0;
  let weightSum = 0;
  if (weights.cpu > 0) {
    score += f(rqC, capC) * weights.cpu;
    weightSum += weights.cpu;
  }
  if (weights.memory > 0) {
    score += f(rqM, capM) * weights.memory;
    weightSum += weights.memory;
  }
  if (weights.gpu > 0) {
    score += f(rqG, capG) * weights.gpu;
    weightSum += weights.gpu;
  }
  return weightSum === 0 ? 0 : Math.trunc(score / weightSum);
}

/**
 * BalancedAllocation: 1 - standard deviation of the requested fractions of the
 * scored resources (each fraction capped at 1), times 100, truncated. With two
 * resources the deviation is |f1 - f2| / 2, as kube-scheduler computes it.
 */
function balancedScore(w: ScoreWeights, rqC: number, capC: number, rqM: number, capM: number, rqG: number, capG: number): number {
  const fractions: number[] = [];
  if (w.cpu > 0 && capC > 0) fractions.push(Math.min(1, rqC / capC));
  if (w.memory > 0 && capM > 0) fractions.push(Math.min(1, rqM / capM));
  if (w.gpu > 0 && capG > 0) fractions.push(Math.min(1, rqG / capG));
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    const sq = fractions.reduce((a, f) => a + (f - mean) * (f - mean), 0);
    std = Math.sqrt(sq / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

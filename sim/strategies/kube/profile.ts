import * as z from "zod";
import type { Cluster } from "../../model/cluster.ts";
import { memberInit, memberRequest, type Group } from "../../model/group.ts";
import type { Resources } from "../../model/resources.ts";
import { MAX_NODE_SCORE } from "../scoring.ts";

/**
 * The score plugins of a kube-scheduler profile, as KubeSchedulerConfiguration
 * names them (Kubernetes v1.34, pkg/scheduler/apis/config/v1/default_plugins.go
 * and pkg/scheduler/framework/plugins/noderesources/). The default profile
 * scores with NodeResourcesFit (LeastAllocated over cpu and memory, weight 1
 * each) and NodeResourcesBalancedAllocation, each plugin weight 1; the other
 * default score plugins (TaintToleration, NodeAffinity, PodTopologySpread,
 * InterPodAffinity, ImageLocality) give every node the same score here (no
 * taints, affinities, spread constraints or images are modelled), so they
 * cannot change a choice and are left out.
 */
const RESOURCE_NAMES = ["cpu", "memory", "nvidia.com/gpu"] as const;
type ResourceName = (typeof RESOURCE_NAMES)[number];

const resourceSpec = z.object({ name: z.enum(RESOURCE_NAMES), weight: z.number().int().min(1).max(100).default(1) }).strict();
const defaultResources = [
  { name: "cpu" as const, weight: 1 },
  { name: "memory" as const, weight: 1 },
];

const shapePoint = z.object({ utilization: z.number().int().min(0).max(100), score: z.number().int().min(0).max(10) }).strict();

const fitSchema = z
  .object({
    weight: z.number().int().min(1).max(100).default(1),
    scoringStrategy: z
      .object({
        type: z.enum(["LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"]).default("LeastAllocated"),
        resources: z.array(resourceSpec).min(1).default(defaultResources),
        requestedToCapacityRatio: z
          .object({ shape: z.array(shapePoint).min(1) })
          .strict()
          .refine((r) => r.shape.every((p, i) => i === 0 || p.utilization > r.shape[i - 1]!.utilization), { message: "expected utilization to increase along the shape", path: ["shape"] })
          .optional(),
      })
      .strict()
      .refine((s) => s.type !== "RequestedToCapacityRatio" || s.requestedToCapacityRatio !== undefined, { message: "RequestedToCapacityRatio needs requestedToCapacityRatio.shape", path: ["requestedToCapacityRatio"] })
      .default({ type: "LeastAllocated", resources: defaultResources }),
  })
  .strict();

const balancedSchema = z
  .object({
    weight: z.number().int().min(1).max(100).default(1),
    resources: z.array(resourceSpec).min(1).default(defaultResources),
  })
  .strict();

export const profileSchema = z
  .object({
    /** Score plugins and their weights; a plugin left out is disabled. */
    plugins: z
      .object({
        NodeResourcesFit: fitSchema.optional(),
        NodeResourcesBalancedAllocation: balancedSchema.optional(),
      })
      .strict(),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;

/** The upstream default profile. */
export const DEFAULT_PROFILE: Profile = profileSchema.parse({ plugins: { NodeResourcesFit: {}, NodeResourcesBalancedAllocation: {} } });

const index = (name: ResourceName): 0 | 1 | 2 => (name === "cpu" ? 0 : name === "memory" ? 1 : 2);

/** kube-scheduler's default request for a container that sets none (pkg/scheduler/util/pod_resources.go): 100 m CPU, 200 MiB. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST_MIB = 200;

/**
 * What a node holds, as the score plugins read it: allocatable, the sum of
 * requests (capacity - free: BalancedAllocation, and GPUs), and the sum of
 * non-zero requests (NodeResourcesFit for cpu and memory: a container
 * without a request counts as the defaults above), kept as the extra of the
 * non-zero requests over the requests of the Pods bound there.
 */
export interface NodeState {
  readonly cluster: Cluster;
  readonly nonZeroExtraCpu: Float64Array;
  readonly nonZeroExtraMemory: Float64Array;
}

/** A Pod as scored: its requests, and its non-zero requests. */
export interface PodRequests {
  readonly request: Resources;
  readonly nonZero: Resources;
}

/** Go's int64 division of non-negative operands. */
const div = (a: number, b: number): number => Math.trunc(a / b);

function brokenLinear(shape: readonly { utilization: number; score: number }[]): (p: number) => number {
  const points = shape.map((s) => ({ u: s.utilization, s: s.score * (MAX_NODE_SCORE / 10) }));
  return (p) => {
    for (let i = 0; i < points.length; i++) {
      const cur = points[i]!;
      if (p <= cur.u) {
        if (i === 0) return points[0]!.s;
        const prev = points[i - 1]!;
        return prev.s + div((cur.s - prev.s) * (p - prev.u), cur.u - prev.u);
      }
    }
    return points[points.length - 1]!.s;
  };
}

/** A compiled profile: the weighted sum of the enabled plugins' scores of a node for a Pod. */
export interface Scorer {
  /** The framework's total: each plugin's score (0..100, no normalisation for these plugins) times its weight, summed. */
  score(node: number, pod: PodRequests): number;
  /**
   * The same profile in the shape the scheduler's scan computes inline (no
   * call per node): Fit Least/MostAllocated and BalancedAllocation over cpu
   * and memory only. Undefined for any other profile.
   */
  readonly inline?: InlineProfile;
}

export interface InlineProfile {
  readonly fitWeight: number;
  readonly most: boolean;
  readonly cpuWeight: number;
  readonly memoryWeight: number;
  readonly balancedWeight: number;
  readonly balancedCpu: boolean;
  readonly balancedMemory: boolean;
  /**
   * cpuWeight + memoryWeight when it is a power of two, else -1. x / w and
   * x * (1 / w) are the same double when w is a power of two, so the scans
   * divide the usual total (both resources weighed) by multiplying, any
   * other total by dividing.
   */
  readonly bothWeights: number;
}

function inlineShape(profile: Profile): InlineProfile | undefined {
  const fit = profile.plugins.NodeResourcesFit;
  const bal = profile.plugins.NodeResourcesBalancedAllocation;
  if (fit !== undefined && fit.scoringStrategy.type === "RequestedToCapacityRatio") return undefined;
  const fitRes = fit?.scoringStrategy.resources ?? [];
  const balRes = bal?.resources ?? [];
  if ([...fitRes, ...balRes].some((r) => r.name === "nvidia.com/gpu")) return undefined;
  if (new Set(fitRes.map((r) => r.name)).size !== fitRes.length || new Set(balRes.map((r) => r.name)).size !== balRes.length) return undefined;
  const cpuWeight = fitRes.find((r) => r.name === "cpu")?.weight ?? 0;
  const memoryWeight = fitRes.find((r) => r.name === "memory")?.weight ?? 0;
  const both = cpuWeight + memoryWeight;
  return {
    fitWeight: fit?.weight ?? 0,
    most: fit?.scoringStrategy.type === "MostAllocated",
    cpuWeight,
    memoryWeight,
    balancedWeight: bal?.weight ?? 0,
    balancedCpu: balRes.some((r) => r.name === "cpu"),
    balancedMemory: balRes.some((r) => r.name === "memory"),
    bothWeights: both > 0 && 2 ** Math.round(Math.log2(both)) === both ? both : -1,
  };
}

export function compileProfile(profile: Profile, state: NodeState): Scorer {
  const { cluster, nonZeroExtraCpu, nonZeroExtraMemory } = state;
  const cap = [cluster.capCpu, cluster.capMemory, cluster.capGpu] as const;
  const free = [cluster.freeCpu, cluster.freeMemory, cluster.freeGpu] as const;
  const fit = profile.plugins.NodeResourcesFit;
  const balanced = profile.plugins.NodeResourcesBalancedAllocation;
  const fitResources = (fit?.scoringStrategy.resources ?? []).map((r) => ({ i: index(r.name), weight: r.weight }));
  const balancedResources = (balanced?.resources ?? []).map((r) => index(r.name));
  const fitType = fit?.scoringStrategy.type ?? "LeastAllocated";
  const rtcr = fit?.scoringStrategy.requestedToCapacityRatio ? brokenLinear(fit.scoringStrategy.requestedToCapacityRatio.shape) : undefined;

  // The scores below read allocatable and requested straight from the typed arrays, with no object per
  // node: they run for every feasible node of every cycle.
  /** Requested on the node with the Pod (NonZeroRequested for Fit's cpu and memory, Requested otherwise). */
  const requestedOf = (node: number, i: 0 | 1 | 2, pod: PodRequests, useRequested: boolean): number => {
    const used = cap[i][node]! - free[i][node]!;
    if (i === 0) return useRequested ? used + pod.request.cpu : used + nonZeroExtraCpu[node]! + pod.nonZero.cpu;
    if (i === 1) return useRequested ? used + pod.request.memory : used + nonZeroExtraMemory[node]! + pod.nonZero.memory;
    return used + pod.request.gpu;
  };

  const fitScore = (node: number, pod: PodRequests): number => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let k = 0; k < fitResources.length; k++) {
      const { i, weight } = fitResources[k]!;
      // An extended resource (GPU) the Pod does not request is left out, as is one the node lacks.
      if (i === 2 && pod.request.gpu === 0) continue;
      const allocatable = cap[i][node]!;
      if (allocatable === 0) continue;
      const requested = requestedOf(node, i, pod, false);
      let s: number;
      if (fitType === "LeastAllocated") s = requested > allocatable ? 0 : div((allocatable - requested) * MAX_NODE_SCORE, allocatable);
      else if (fitType === "MostAllocated") s = div(Math.min(requested, allocatable) * MAX_NODE_SCORE, allocatable);
      else {
        s = rtcr!(requested > allocatable ? 100 : div(requested * 100, allocatable));
        if (s <= 0) continue; // RequestedToCapacityRatio counts only resources scoring above 0
      }
      nodeScore += s * weight;
      weightSum += weight;
    }
    if (weightSum === 0) return 0;
    return fitType === "RequestedToCapacityRatio" ? Math.round(nodeScore / weightSum) : div(nodeScore, weightSum);
  };

  const fractions = new Float64Array(3);
  const balancedScore = (node: number, pod: PodRequests): number => {
    // A best-effort Pod (no request at all) scores 0.
    if (pod.request.cpu === 0 && pod.request.memory === 0 && pod.request.gpu === 0) return 0;
    let total = 0;
    let count = 0;
    for (let k = 0; k < balancedResources.length; k++) {
      const i = balancedResources[k]!;
      if (i === 2 && pod.request.gpu === 0) continue;
      const allocatable = cap[i][node]!;
      if (allocatable === 0) continue;
      const f = Math.min(1, requestedOf(node, i, pod, true) / allocatable);
      total += f;
      fractions[count++] = f;
    }
    let std = 0;
    if (count === 2) std = Math.abs((fractions[0]! - fractions[1]!) / 2);
    else if (count > 2) {
      const mean = total / count;
      let sum = 0;
      for (let k = 0; k < count; k++) sum += (fractions[k]! - mean) * (fractions[k]! - mean);
      std = Math.sqrt(sum / count);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  };

  const fitWeight = fit?.weight ?? 0;
  const balancedWeight = balanced?.weight ?? 0;
  const inline = inlineShape(profile);
  return {
    ...(inline ? { inline } : {}),
    score(node, pod) {
      return (fitWeight > 0 ? fitScore(node, pod) * fitWeight : 0) + (balancedWeight > 0 ? balancedScore(node, pod) * balancedWeight : 0);
    },
  };
}

/**
 * The non-zero request of a lone container, request `r`, as a Pod of its own
 * (naive's): membersNonZeroRequest(group, j, j + 1, overhead), an init
 * container alone counting as its own maximum, from the member's request
 * read once (its Pod's request is add(r, overhead), init container or
 * not). test/non-zero.test.ts holds both to the general functions.
 */
export function containerNonZeroRequest(r: Resources, overhead: Resources): Resources {
  return { cpu: nonZeroCpu(r.cpu) + overhead.cpu, memory: nonZeroMemory(r.memory) + overhead.memory, gpu: 0 };
}

/** A container's cpu and memory requests as NonZeroRequest counts them: none asked is the default. */
const nonZeroCpu = (cpu: number): number => (cpu === 0 ? DEFAULT_MILLI_CPU_REQUEST : cpu);
const nonZeroMemory = (memory: number): number => (memory === 0 ? DEFAULT_MEMORY_REQUEST_MIB : memory);

/**
 * The non-zero requests of a Pod made of members from..to-1 of the group
 * (kube's NonZeroRequest: each missing cpu/memory request counts as the
 * default; app containers summed in order, init containers as their
 * maximum), summed in scalars as the members are read (no arrays of
 * per-container requests; a stored group still answers each member's
 * request as a short-lived object).
 */
export function membersNonZeroRequest(group: Group, from: number, to: number, overhead: Resources): Resources {
  let appCpu = 0;
  let appMemory = 0;
  let initCpu = 0;
  let initMemory = 0;
  for (let j = from; j < to; j++) {
    const r = memberRequest(group, j);
    const cpu = nonZeroCpu(r.cpu);
    const memory = nonZeroMemory(r.memory);
    if (memberInit(group, j)) {
      initCpu = Math.max(initCpu, cpu);
      initMemory = Math.max(initMemory, memory);
    } else {
      appCpu += cpu;
      appMemory += memory;
    }
  }
  return { cpu: Math.max(appCpu, initCpu) + overhead.cpu, memory: Math.max(appMemory, initMemory) + overhead.memory, gpu: 0 };
}

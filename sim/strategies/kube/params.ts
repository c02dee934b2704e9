import * as z from "zod";
import { interval, nonNegative } from "../../workload/numbers.ts";
import { SCORING_STRATEGIES } from "../scoring.ts";
import { DEFAULT_PROFILE, profileSchema, type Profile } from "./profile.ts";

/**
 * kube-scheduler's knobs shared by `kube` and `naive`, named after their
 * upstream fields (KubeSchedulerConfiguration, kube-scheduler and
 * kube-controller-manager flags, Pod spec), with upstream defaults.
 */
export const podSchedulerShape = {
    /** Score plugins and weights (KubeSchedulerConfiguration profiles[].plugins/pluginConfig); default: the upstream default profile. */
    profile: profileSchema.optional(),
    /** Shorthand kept from earlier versions: one NodeResourcesFit strategy (or BalancedAllocation) alone, over `weights`. */
    scoring: z.enum(SCORING_STRATEGIES).optional(),
    weights: z
      .object({ cpu: z.number().int().min(0).default(1), memory: z.number().int().min(0).default(1), gpu: z.number().int().min(0).default(0) })
      .strict()
      .optional(),
    /** 0 = adaptive (kube default), else a fixed percentage 1..100. */
    percentageOfNodesToScore: z.number().int().min(0).max(100).default(0),
    podInitialBackoffSeconds: interval.default(1),
    podMaxBackoffSeconds: interval.default(10),
    /** --pod-max-in-unschedulable-pods-duration: unschedulable Pods are retried after this long anyway (checked every 30 s). */
    podMaxInUnschedulablePodsDuration: interval.default(300),
    /** SchedulerQueueingHints (default on since v1.32); false: the v1.28.6-v1.31 behaviour. */
    queueingHints: z.boolean().default(true),
    /** SchedulerPopFromBackoffQ (default on since v1.33): an empty activeQ pops backoffQ, backoff ends on whole seconds. */
    popFromBackoffQ: z.boolean().default(true),
    /** DefaultPreemption: a Pod that fits nowhere may evict lower-priority Pods. */
    preemption: z.boolean().default(true),
    /** Pod spec terminationGracePeriodSeconds of preemption victims: their resources are free this long after. */
    terminationGracePeriodSeconds: nonNegative.default(30),
    /** kube-controller-manager --node-monitor-grace-period: a failed node is marked NotReady this long after it stops. */
    nodeMonitorGracePeriod: nonNegative.default(40),
    /** The default NoExecute toleration of node.kubernetes.io/not-ready and unreachable: Pods are evicted this long after. */
    tolerationSeconds: nonNegative.default(300),
    /**
     * With scheduler classes (the Omega paper's two monolithic variants): a
     * "multi-path" scheduler decides each Pod in its class's decision time; a
     * "single-path" one runs the same logic for every Pod, in the slowest
     * class's decision time (the largest tJob). One queue either way.
     */
    decisionPath: z.enum(["multi-path", "single-path"]).default("multi-path"),
};

/** kube-scheduler's parameters plus `extra` ones (a plugin's or a queue's), checked the same way. */
export function withPodScheduler<E extends z.ZodRawShape>(extra: E) {
  return z
    .object({ ...podSchedulerShape, ...extra })
    .strict()
    .refine(
      (p) => {
        const q = p as { profile?: unknown; scoring?: unknown; weights?: unknown };
        return q.profile === undefined || (q.scoring === undefined && q.weights === undefined);
      },
      { message: "give either profile or the scoring/weights shorthand, not both", path: ["profile"] },
    );
}

export const podSchedulerParams = withPodScheduler({});

export type PodSchedulerParams = z.infer<typeof podSchedulerParams>;

/** The score profile the parameters ask for: `profile`, the legacy shorthand, or the upstream default. */
export function profileOf(params: PodSchedulerParams): Profile {
  if (params.profile !== undefined) return params.profile;
  if (params.scoring === undefined && params.weights === undefined) return DEFAULT_PROFILE;
  const w = params.weights ?? { cpu: 1, memory: 1, gpu: 0 };
  const resources = [
    ...(w.cpu > 0 ? [{ name: "cpu" as const, weight: w.cpu }] : []),
    ...(w.memory > 0 ? [{ name: "memory" as const, weight: w.memory }] : []),
    ...(w.gpu > 0 ? [{ name: "nvidia.com/gpu" as const, weight: w.gpu }] : []),
  ];
  const scoring = params.scoring ?? "LeastAllocated";
  if (resources.length === 0) return { plugins: {} };
  if (scoring === "BalancedAllocation") return { plugins: { NodeResourcesBalancedAllocation: { weight: 1, resources } } };
  return { plugins: { NodeResourcesFit: { weight: 1, scoringStrategy: { type: scoring, resources } } } };
}

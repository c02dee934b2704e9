import * as z from "zod";
import { arrivalSchema } from "./arrivals.ts";
import { distSchema } from "./distributions.ts";
import { GROUP_KINDS } from "../model/group.ts";
import { alibaba2018WorkloadSchema } from "./alibaba2018.ts";
import { google2011ClusterSchema, google2011WorkloadSchema } from "./google2011.ts";
import { openbClusterSchema, openbWorkloadSchema } from "./openb.ts";

import { interval, nonNegative, positive, rate } from "./numbers.ts";

/** A name or id: written into every CSV row that mentions it, so kept to a sane length. */
const name = z.string().min(1).max(1000);

/** Reports every item of `list` whose `key` repeats an earlier one's, at its JSON path. */
function unique<K extends string, T extends Record<K, string>>(list: readonly T[], at: string, key: K, what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const value = item[key];
    if (seen.has(value)) ctx.addIssue({ code: "custom", message: `duplicate ${what} "${value}"`, path: [at, i, key] });
    seen.add(value);
  });
}

/** A resource vector in a scenario; missing dimensions are 0. */
export const resourcesSchema = z
  .object({
    cpu: nonNegative.default(0),
    memory: nonNegative.default(0),
    gpu: nonNegative.default(0),
  })
  .strict();

/** A node's capacity: resources, and how many Pods it holds (the kubelet's --max-pods, Kubernetes' default 110). */
export const nodeCapacitySchema = resourcesSchema
  .extend({ pods: z.number().int().min(1).max(1_000_000).default(110) })
  .strict()
  .refine((c) => c.gpu % 1000 === 0, { message: "GPUs are devices of 1000 milli-GPU: expected a multiple of 1000", path: ["gpu"] });

const memberSchema = z
  .object({
    name: name.optional(),
    request: resourcesSchema,
    delay: nonNegative.default(0),
    init: z.boolean().default(false),
  })
  .strict();

/** Pods of a gang or job: `count` identical Pods of these containers. */
const podSpecSchema = z
  .object({
    members: z.array(memberSchema).min(1),
    count: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

/** Most Pods in one gang or job. */
export const MAX_PODS = 1000;

const groupSchema = z
  .object({
    id: name,
    submit: nonNegative,
    /** colocate: `members` form one Pod; gang and job: `pods`. */
    kind: z.enum(GROUP_KINDS).default("colocate"),
    duration: nonNegative,
    priority: z.number().int().default(0),
    members: z.array(memberSchema).min(1).optional(),
    pods: z.array(podSpecSchema).min(1).optional(),
    /** gang: Pods that must run at the same time (default: every Pod). */
    minMember: z.number().int().min(1).optional(),
    /** mesos: owning framework index (default: round-robin by group). */
    framework: z.number().int().min(0).optional(),
    /** omega: owning scheduler index (default: round-robin by group). */
    scheduler: z.number().int().min(0).optional(),
    /** What happens when a node failure loses the group: it stays lost, or a controller submits a replacement. */
    restart: z.enum(["never", "controller"]).default("never"),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.kind === "colocate") {
      if (g.members === undefined) ctx.addIssue({ code: "custom", message: "expected members (a colocate group is one Pod of these containers)", path: ["members"] });
      if (g.pods !== undefined) ctx.addIssue({ code: "custom", message: 'a colocate group has members, not pods (use kind "gang" or "job")', path: ["pods"] });
    } else {
      if (g.pods === undefined) ctx.addIssue({ code: "custom", message: `expected pods (a ${g.kind} is a list of Pods)`, path: ["pods"] });
      if (g.members !== undefined) ctx.addIssue({ code: "custom", message: `a ${g.kind} has pods, not members`, path: ["members"] });
    }
    const total = (g.pods ?? []).reduce((n, p) => n + p.count, 0);
    if (total > MAX_PODS) ctx.addIssue({ code: "custom", message: `expected at most ${MAX_PODS} Pods in a group, got ${total}`, path: ["pods"] });
    if (g.minMember !== undefined) {
      if (g.kind !== "gang") ctx.addIssue({ code: "custom", message: "minMember is for gangs only", path: ["minMember"] });
      else if (g.minMember > total) ctx.addIssue({ code: "custom", message: `expected minMember <= the gang's ${total} Pods`, path: ["minMember"] });
    }
  });

const nodeSchema = z
  .object({
    name: name,
    capacity: nodeCapacitySchema,
    labels: z.record(name, name).default({}),
  })
  .strict();

export const clusterSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("inline"),
      nodes: z.array(nodeSchema).min(1),
    })
    .strict()
    .superRefine((c, ctx) => unique(c.nodes, "nodes", "name", "node name", ctx)),
  z
    .object({
      type: z.literal("generate"),
      count: z.number().int().positive(),
      capacity: nodeCapacitySchema,
      /** Each node's capacity is scaled by a factor uniform in [1 - h, 1 + h]. */
      heterogeneity: z.number().min(0).max(0.99).default(0),
      namePrefix: z.string().max(1000).default("node-"),
    })
    .strict(),
  z
    .object({
      type: z.literal("pools"),
      /** Node pools (node types), each generated like `generate`; names are `<name>-<i>`. */
      pools: z
        .array(
          z
            .object({
              name: z.string().min(1).max(1000).regex(/^[A-Za-z0-9_.-]+$/, "expected letters, digits, _ . -"),
              count: z.number().int().positive(),
              capacity: nodeCapacitySchema,
              heterogeneity: z.number().min(0).max(0.99).default(0),
              labels: z.record(name, name).default({}),
            })
            .strict(),
        )
        .min(1),
    })
    .strict()
    .superRefine((c, ctx) => unique(c.pools, "pools", "name", "pool name", ctx)),
  openbClusterSchema,
  google2011ClusterSchema,
]);

const countRange = z
  .object({ min: z.number().int().positive(), max: z.number().int().positive() })
  .strict()
  .refine((r) => r.max >= r.min, { message: "expected max >= min", path: ["max"] });

/** One workload source: inline groups, a generator, or a trace. */
export const sourceSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("inline"),
      groups: z.array(groupSchema).min(1),
    })
    .strict()
    .superRefine((w, ctx) => unique(w.groups, "groups", "id", "group id", ctx)),
  z
    .object({
      type: z.literal("generate"),
      /** Number of groups. */
      groups: z.number().int().positive(),
      /** Poisson arrivals: groups per second (shorthand for arrival: {process: "poisson", rate}). */
      rate: rate.optional(),
      /** The arrival process: poisson, mmpp (bursty) or diurnal. */
      arrival: arrivalSchema.optional(),
      /** Time of the first possible arrival. */
      start: nonNegative.default(0),
      /** Containers per group (colocate), or per Pod (gang, job: every Pod of a group alike). */
      members: countRange,
      /** colocate (default): each group one Pod; gang: `pods` Pods, minMemberFraction of which must run at once; job: `pods` independent Pods. */
      kind: z.enum(GROUP_KINDS).default("colocate"),
      /** gang and job: Pods per group, drawn per group and rounded (1..1000). */
      pods: distSchema.optional(),
      /** gang: minMember = ceil(fraction x Pods). */
      minMemberFraction: z.number().gt(0).max(1).default(1),
      /** gang and job: the delay of each Pod after the first (a controller creating them one by one). */
      podDelay: distSchema.default(0),
      /** Per-container requests; each dimension is drawn independently and rounded to an integer. */
      request: z
        .object({ cpu: distSchema.default(0), memory: distSchema.default(0), gpu: distSchema.default(0) })
        .strict(),
      duration: distSchema,
      /** Delay of each member after the first (the first member arrives at submit). */
      delay: distSchema.default(0),
      priority: distSchema.default(0),
      restart: z.enum(["never", "controller"]).default("never"),
    })
    .strict()
    .refine((w) => (w.rate === undefined) !== (w.arrival === undefined), { message: "expected exactly one of rate or arrival" })
    .refine((w) => (w.kind === "colocate") === (w.pods === undefined), { message: "expected pods for a gang or job workload, and none for colocate", path: ["pods"] }),
  openbWorkloadSchema,
  google2011WorkloadSchema,
  alibaba2018WorkloadSchema,
]);

export const decisionSchema = z
  .object({
    tJob: nonNegative.default(0.1),
    tTask: nonNegative.default(0.005),
  })
  .strict();

/** A class name: becomes part of group ids and CSV cells. */
const className = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, { message: "expected letters, digits, '_', '.' or '-'" });

/**
 * Scheduler classes (the Omega paper's batch and service): each class has its
 * own workload source and its own decision time, and is served by its own
 * schedulers (mesos frameworks, omega schedulers; kube's one queue in
 * multi-path mode uses each class's decision time).
 */
export const classSchema = z
  .object({
    name: className,
    /** The class's decision time (default: the scenario's `decision`). */
    decision: decisionSchema.optional(),
    workload: sourceSchema,
  })
  .strict();

export const workloadSchema = z.discriminatedUnion("type", [
  sourceSchema,
  z
    .object({
      type: z.literal("classes"),
      classes: z.array(classSchema).min(1).max(100),
    })
    .strict()
    .superRefine((w, ctx) => unique(w.classes, "classes", "name", "class name", ctx)),
]);

export const scenarioSchema = z
  .object({
    name: name,
    description: z.string().max(10_000).default(""),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    /** Simulated seconds; the run observes [0, horizon]. */
    horizon: positive,
    /** Timeseries sampling period in seconds. */
    sampleEvery: interval.default(10),
    decision: decisionSchema.default({ tJob: 0.1, tTask: 0.005 }),
    podOverhead: resourcesSchema.default({ cpu: 0, memory: 0, gpu: 0 }),
    cluster: clusterSchema,
    workload: workloadSchema,
    /** Node failures: explicit events and/or a random failure process. */
    faults: z
      .object({
        events: z.array(z.object({ type: z.enum(["nodeFail", "nodeRecover"]), node: z.string().min(1), at: nonNegative }).strict()).default([]),
        /** Every node fails after an exponential time of mean mtbf and recovers after one of mean mttr (seconds). */
        random: z.object({ mtbf: positive, mttr: positive }).strict().optional(),
      })
      .strict()
      .default({ events: [] }),
    /**
     * A fill experiment after the OpenB paper's simulator (README): groups arrive one
     * every `gap` seconds in workload (trace) order and never leave, until
     * one does not run whole within `gap` of its submit; runs.csv reports the
     * allocation ratio of each resource then (fill_*). Submit times and
     * durations of the workload are ignored.
     */
    placeOnce: z.object({ gap: interval.default(5) }).strict().optional(),
    /** Seconds after a loss before a controller submits the replacement of a `restart: "controller"` group. */
    controllerDelay: nonNegative.default(10),
    /** Per-strategy parameters, keyed by strategy id; validated by each strategy's schema. */
    strategies: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioSpec = z.infer<typeof scenarioSchema>;
export type ClusterSpec = z.infer<typeof clusterSchema>;
export type WorkloadSpec = z.infer<typeof workloadSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
export type ClassSpec = z.infer<typeof classSchema>;

import * as z from "zod";
import type { Rng, RngStreams } from "../engine/index.ts";
import type { NodeSpec } from "../model/cluster.ts";
import type { Group, Member } from "../model/group.ts";
import { readCsvRows } from "./csv-rows.ts";
import { distSchema, sample } from "./distributions.ts";

/**
 * Alibaba OpenB (Kubernetes GPU cluster trace, USENIX ATC'23): nodes from
 * openb_node_list_all_node.csv, Pods from openb_pod_list_*.csv. Paths are
 * relative to the scenario file.
 */
export const openbClusterSchema = z
  .object({
    type: z.literal("openb"),
    /** openb_node_list_all_node.csv: sn,cpu_milli,memory_mib,gpu,model */
    nodes: z.string().min(1),
  })
  .strict();

const range = (lo: number, hi: number) =>
  z
    .tuple([z.number().finite().min(lo).max(hi), z.number().finite().min(lo).max(hi)])
    .refine(([a, b]) => b >= a, { message: "expected [min, max] with min <= max" });

/** How a trace Pod becomes containers for container-level strategies (kube still sees the whole Pod). */
export const splitSchema = z
  .object({
    /** Containers per Pod, uniform in [min, max]. */
    containers: range(1, 64).refine(([a, b]) => Number.isInteger(a) && Number.isInteger(b), { message: "expected integers" }).default([1, 4]),
    /** Each sidecar's share of the Pod's cpu and memory, uniform in [min, max]; sidecars take at most 90 % in all. */
    sidecarShare: range(0, 0.9).default([0.05, 0.3]),
    /** Seconds after the Pod's creation when each sidecar becomes known to a container-level scheduler. */
    delay: distSchema.default(0),
  })
  .strict();

export type Split = z.infer<typeof splitSchema>;

export const openbWorkloadSchema = z
  .object({
    type: z.literal("openb"),
    /** openb_pod_list_*.csv: name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time */
    pods: z.string().min(1),
    /** Only the first `limit` Pods (by file order). */
    limit: z.number().int().positive().optional(),
    /** Only Pods of these QoS classes (the trace's qos column: LS, BE, Burstable, Guaranteed). */
    qos: z.array(z.string().min(1).max(100)).min(1).max(100).optional(),
    /** Arrival gaps divided by this factor (durations kept), to replay the trace at a higher load. */
    timeScale: z.number().finite().min(1e-6).max(1e9).default(1),
    split: splitSchema.default({ containers: [1, 4], sidecarShare: [0.05, 0.3], delay: 0 }),
  })
  .strict();

export const OPENB_NODE_COLUMNS = ["sn", "cpu_milli", "memory_mib", "gpu", "model"] as const;
export const OPENB_POD_COLUMNS = [
  "name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "pod_phase", "creation_time", "deletion_time", "scheduled_time",
] as const;

/** The GPU model label nodes carry and Pods' gpu_spec selects on. */
export const GPU_MODEL_LABEL = "gpu-model";

export function readOpenbNodes(file: string): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  const seen = new Set<string>();
  for (const row of readCsvRows(file, OPENB_NODE_COLUMNS)) {
    const name = row.text(0).trim();
    if (name === "") row.fail(0, "expected a node name");
    if (seen.has(name)) row.fail(0, `duplicate node "${name}"`);
    seen.add(name);
    const model = row.text(4).trim();
    nodes.push({
      name,
      capacity: { cpu: row.number(1), memory: row.number(2), gpu: row.number(3) * 1000 },
      labels: model === "" ? {} : { [GPU_MODEL_LABEL]: model },
    });
  }
  return nodes;
}

/**
 * Reads Pods as groups. GPU request: num_gpu x 1000 for whole GPUs, gpu_milli
 * when num_gpu = 1 (a shared fraction). Duration: deletion_time -
 * creation_time; a Pod with no deletion time, or one not after its creation,
 * gets duration 0 (it is placed, then ends at once) and is still counted.
 * gpu_spec ("A|B" allowed) becomes a node selector on the GPU model.
 */
export function readOpenbPods(file: string, split: Split, streams: RngStreams, limit?: number, qos?: readonly string[]): Group[] {
  const rng = streams.stream("workload/split");
  const pods: Omit<Group, "index">[] = [];
  const seen = new Set<string>();
  for (const row of readCsvRows(file, OPENB_POD_COLUMNS)) {
    if (limit !== undefined && pods.length >= limit) break;
    if (qos !== undefined && !qos.includes(row.text(6).trim())) continue;
    const id = row.text(0).trim();
    if (id === "") row.fail(0, "expected a Pod name");
    if (seen.has(id)) row.fail(0, `duplicate Pod "${id}"`);
    seen.add(id);
    const cpu = row.number(1);
    const memory = row.number(2);
    const numGpu = row.number(3);
    const gpuMilli = row.number(4, 0);
    if (!Number.isInteger(numGpu)) row.fail(3, `expected a whole number of GPUs, got ${numGpu}`);
    if (numGpu === 1 && gpuMilli > 1000) row.fail(4, `expected at most 1000 milli-GPUs of one GPU, got ${gpuMilli}`);
    const gpu = numGpu === 1 ? gpuMilli : numGpu * 1000;
    const spec = row.text(5).trim();
    const created = row.number(8);
    const deleted = row.number(9, -1);
    const duration = deleted > created ? deleted - created : 0;
    pods.push({
      id,
      submit: created,
      kind: "colocate",
      duration,
      priority: 0,
      members: splitPod({ cpu, memory, gpu }, split, rng),
      ...(spec === "" ? {} : { selector: { key: GPU_MODEL_LABEL, values: spec.split("|") } }),
    });
  }
  const order = pods.map((p, i) => ({ p, i })).sort((a, b) => a.p.submit - b.p.submit || a.i - b.i);
  return order.map(({ p }, index) => ({ ...p, index }));
}

/**
 * Splits a Pod's request into a main container and sidecars: the number of
 * containers is uniform in `containers`; each sidecar takes a share uniform in
 * `sidecarShare` of the Pod's cpu and memory (scaled down so sidecars take at
 * most 90 % in all), rounded down; the main container keeps the rest and all
 * GPUs. The parts add up exactly to the Pod's request.
 */
export function splitPod(request: { cpu: number; memory: number; gpu: number }, split: Split, rng: Rng): Member[] {
  const [lo, hi] = split.containers;
  const k = lo + rng.int(hi - lo + 1);
  const shares: number[] = [];
  for (let i = 1; i < k; i++) shares.push(rng.uniform(split.sidecarShare[0], split.sidecarShare[1]));
  const total = shares.reduce((a, b) => a + b, 0);
  const scale = total > 0.9 ? 0.9 / total : 1;
  const sidecars: Member[] = shares.map((share, i) => ({
    name: `sidecar-${i + 1}`,
    request: { cpu: Math.floor(request.cpu * share * scale), memory: Math.floor(request.memory * share * scale), gpu: 0 },
    delay: sample(split.delay, rng),
    init: false,
  }));
  const used = sidecars.reduce((acc, m) => ({ cpu: acc.cpu + m.request.cpu, memory: acc.memory + m.request.memory }), { cpu: 0, memory: 0 });
  const main: Member = { name: "main", request: { cpu: request.cpu - used.cpu, memory: request.memory - used.memory, gpu: request.gpu }, delay: 0, init: false };
  return [main, ...sidecars];
}

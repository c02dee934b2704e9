import * as z from "zod";
import type { Group, Member } from "../model/group.ts";
import type { Resources } from "../model/resources.ts";

/**
 * Cuts a job's containers, in order, into consecutive colocate groups that
 * each fit one node of `capacity` (a container larger than a node gets a group
 * of its own, which will be unschedulable). Each chunk's delays are made
 * relative to its own first arrival.
 */
export function chunkToFit(members: readonly Member[], capacity: Resources): { members: Member[]; offset: number }[] {
  const chunks: Member[][] = [];
  let current: Member[] = [];
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  for (const m of members) {
    const r = m.request;
    if (current.length > 0 && (cpu + r.cpu > capacity.cpu || memory + r.memory > capacity.memory || gpu + r.gpu > capacity.gpu)) {
      chunks.push(current);
      current = [];
      cpu = memory = gpu = 0;
    }
    current.push(m);
    cpu += r.cpu;
    memory += r.memory;
    gpu += r.gpu;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((chunk) => {
    const offset = Math.min(...chunk.map((m) => m.delay));
    return { members: chunk.map((m) => ({ ...m, delay: m.delay - offset })), offset };
  });
}

/**
 * How a trace importer turns a job: `colocate` (default) cuts it into
 * node-sized colocate groups; `gang` and `job` keep it whole, one Pod per
 * task (a gang needs all of them at once).
 */
export const groupAsSchema = z.enum(["colocate", "gang", "job"]).default("colocate");
export type GroupAs = z.infer<typeof groupAsSchema>;

/** Most Pods in one group (a bigger job is cut into groups of this many Pods, `id/1`, `id/2`, ...). */
const MAX_PODS = 1000;

/**
 * A job kept whole as a gang or job: each task one Pod of one container, in
 * order; a job of more than 1,000 tasks is cut into consecutive groups of at
 * most 1,000 Pods. Each group's delays are made relative to its first arrival.
 */
export function wholeJob(id: string, submit: number, duration: number, members: readonly Member[], kind: "gang" | "job"): Omit<Group, "index">[] {
  const out: Omit<Group, "index">[] = [];
  const parts = Math.ceil(members.length / MAX_PODS);
  for (let k = 0; k < parts; k++) {
    const slice = members.slice(k * MAX_PODS, (k + 1) * MAX_PODS);
    const offset = Math.min(...slice.map((m) => m.delay));
    const pods = Uint32Array.from({ length: slice.length + 1 }, (_, i) => i);
    out.push({ id: parts === 1 ? id : `${id}/${k + 1}`, submit: submit + offset, kind, duration, priority: 0, members: slice.map((m) => ({ ...m, delay: m.delay - offset })), pods });
  }
  return out;
}

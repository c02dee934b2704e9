import type { Member } from "../model/group.ts";
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

import * as z from "zod";
import type { Group, Member } from "../model/group.ts";
import { chunkToFit, groupAsSchema, wholeJob, type GroupAs } from "./chunk.ts";
import { readCsvRows } from "./csv-rows.ts";

/**
 * Alibaba cluster-trace-v2018 batch_task. plan_cpu is in hundredths of a
 * core (100 = 1 core), plan_mem in percent of a machine's memory; `machine`
 * is that machine here (cpu millicores, memory MiB). The file is plain CSV
 * without a header, as in the trace; the path is relative to the scenario file.
 */
export const alibaba2018WorkloadSchema = z
  .object({
    type: z.literal("alibaba2018"),
    /** batch_task: task_name, instance_num, job_name, task_type, status, start_time, end_time, plan_cpu, plan_mem */
    tasks: z.string().min(1),
    machine: z.object({ cpu: z.number().finite().positive(), memory: z.number().finite().positive() }).strict(),
    limit: z.number().int().positive().optional(),
    /** Arrival gaps divided by this factor (durations kept), to replay the trace at a higher load. */
    timeScale: z.number().finite().min(1e-6).max(1e9).default(1),
    /** A task as node-sized colocate groups of its instances (default), or whole as one gang or job of one Pod per instance. */
    groupAs: groupAsSchema,
  })
  .strict();

const COLUMNS = ["task_name", "instance_num", "job_name", "task_type", "status", "start_time", "end_time", "plan_cpu", "plan_mem"] as const;

/**
 * A task with instance_num instances becomes a colocate group of that many
 * containers of (plan_cpu x 10 millicores, plan_mem % of the machine's
 * memory), submitted at start_time, running end_time - start_time (0 when
 * end_time is empty). A task larger than one machine is cut into consecutive
 * groups that each fit (`job/task/1`, ...). A negative duration is an error.
 */
export function readAlibabaTasks(file: string, machine: { cpu: number; memory: number }, limit?: number, groupAs: GroupAs = "colocate"): Group[] {
  const groups: Omit<Group, "index">[] = [];
  const seen = new Set<string>();
  for (const row of readCsvRows(file, COLUMNS, { header: false })) {
    if (limit !== undefined && seen.size >= limit) break;
    const task = row.text(0).trim();
    const job = row.text(2).trim();
    if (task === "") row.fail(0, "expected a task name");
    if (job === "") row.fail(2, "expected a job name");
    const id = `${job}/${task}`;
    if (seen.has(id)) row.fail(0, `duplicate task "${id}"`);
    seen.add(id);
    const instances = row.number(1);
    if (!Number.isInteger(instances) || instances < 1) row.fail(1, `expected a whole number of instances >= 1, got ${instances}`);
    const start = row.number(5);
    const end = row.number(6, start);
    if (end < start) row.fail(6, `negative duration: end_time ${end} is before start_time ${start}`);
    const request = { cpu: Math.round(row.number(7) * 10), memory: Math.round((row.number(8) / 100) * machine.memory), gpu: 0 };
    const members: Member[] = Array.from({ length: instances }, (_, i) => ({ name: `instance-${i + 1}`, request, delay: 0, init: false }));
    if (groupAs !== "colocate") {
      groups.push(...wholeJob(id, start, end - start, members, groupAs));
      continue;
    }
    const chunks = chunkToFit(members, { ...machine, gpu: 0 });
    chunks.forEach((chunk, k) => {
      groups.push({ id: chunks.length === 1 ? id : `${id}/${k + 1}`, submit: start + chunk.offset, kind: "colocate", duration: end - start, priority: 0, members: chunk.members });
    });
  }
  const order = groups.map((g, i) => ({ g, i })).sort((a, b) => a.g.submit - b.g.submit || a.i - b.i);
  return order.map(({ g }, index) => ({ ...g, index }));
}

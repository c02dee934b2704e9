import * as z from "zod";
import type { NodeSpec } from "../model/cluster.ts";
import type { Group, Member } from "../model/group.ts";
import type { Resources } from "../model/resources.ts";
import { chunkToFit, groupAsSchema, wholeJob, type GroupAs } from "./chunk.ts";
import { readCsvRows } from "./csv-rows.ts";

const capacity = z.object({ cpu: z.number().finite().positive(), memory: z.number().finite().positive() }).strict();

/**
 * Google cluster trace 2011 (clusterdata-2011-2). Requests and capacities are
 * normalised to the largest machine; `capacity` is what a 1.0 machine has
 * here (cpu millicores, memory MiB). Files are plain CSV without a header, as
 * in the trace (decompressed); paths are relative to the scenario file.
 */
export const google2011ClusterSchema = z
  .object({
    type: z.literal("google2011"),
    /** machine_events: timestamp, machine_ID, event_type, platform_ID, capacity_CPU, capacity_memory */
    machines: z.string().min(1),
    capacity,
  })
  .strict();

export const google2011WorkloadSchema = z
  .object({
    type: z.literal("google2011"),
    /** task_events: timestamp, missing_info, job_ID, task_index, machine_ID, event_type, user, scheduling_class, priority, cpu_request, ram_request, disk_request, different_machine_constraint */
    taskEvents: z.string().min(1),
    capacity,
    limit: z.number().int().positive().optional(),
    /** Arrival gaps divided by this factor (durations kept), to replay the trace at a higher load. */
    timeScale: z.number().finite().min(1e-6).max(1e9).default(1),
    /** A job as node-sized colocate groups (default), or whole as one gang or job of one Pod per task. */
    groupAs: groupAsSchema,
  })
  .strict();

const MACHINE_COLUMNS = ["timestamp", "machine_ID", "event_type", "platform_ID", "capacity_CPU", "capacity_memory"] as const;
const TASK_COLUMNS = [
  "timestamp", "missing_info", "job_ID", "task_index", "machine_ID", "event_type", "user", "scheduling_class", "priority",
  "cpu_request", "ram_request", "disk_request", "different_machine_constraint",
] as const;

/** task_events event types. */
export const TaskEvent = { SUBMIT: 0, SCHEDULE: 1, EVICT: 2, FAIL: 3, FINISH: 4, KILL: 5, LOST: 6, UPDATE_PENDING: 7, UPDATE_RUNNING: 8 } as const;
const MACHINE_ADD = 0;

/**
 * Nodes from machine_events: every machine with an ADD event, at the
 * capacity of its first ADD (later UPDATE/REMOVE events are not replayed);
 * a machine whose capacity is missing in the trace is left out.
 */
export function readGoogleMachines(file: string, scale: { cpu: number; memory: number }): NodeSpec[] {
  const nodes = new Map<string, NodeSpec>();
  for (const row of readCsvRows(file, MACHINE_COLUMNS, { header: false })) {
    const type = row.number(2);
    if (![0, 1, 2].includes(type)) row.fail(2, `unknown machine event type ${type} (expected 0 ADD, 1 REMOVE, 2 UPDATE)`);
    const id = row.text(1).trim();
    if (id === "") row.fail(1, "expected a machine ID");
    if (type !== MACHINE_ADD || nodes.has(id)) continue;
    if (row.text(4).trim() === "" || row.text(5).trim() === "") continue;
    const cpu = row.number(4);
    const memory = row.number(5);
    nodes.set(id, { name: `m${id}`, capacity: { cpu: Math.round(cpu * scale.cpu), memory: Math.round(memory * scale.memory), gpu: 0 }, labels: {} });
  }
  return [...nodes.values()];
}

interface TaskState {
  submit: number;
  schedule: number;
  end: number;
  request: Resources;
}

/**
 * Groups from task_events: a job becomes a colocate group of its tasks (in
 * task_index order). Submit = the job's first SUBMIT; a task's delay = its
 * first SUBMIT - the job's; its request = the (normalised) request of that
 * SUBMIT x `capacity`; the group's duration = the longest time a task ran,
 * from its first SCHEDULE to the next EVICT/FAIL/FINISH/KILL/LOST (0 when no
 * task of the job ran to an end in the file). A job larger than one node is
 * cut into consecutive groups that each fit (`job/1`, `job/2`, ...); with
 * `groupAs` gang or job it stays whole, one Pod per task (chunk.ts wholeJob).
 */
export function readGoogleTaskEvents(file: string, scale: { cpu: number; memory: number }, limit?: number, groupAs: GroupAs = "colocate"): Group[] {
  const jobs = new Map<string, Map<number, TaskState>>();
  for (const row of readCsvRows(file, TASK_COLUMNS, { header: false })) {
    const t = row.number(0) / 1e6;
    const job = row.text(2).trim();
    if (job === "") row.fail(2, "expected a job ID");
    const index = row.number(3);
    const type = row.number(5);
    if (!Number.isInteger(type) || type > 8) row.fail(5, `unknown event type ${type} (expected 0 SUBMIT ... 8 UPDATE_RUNNING)`);
    let tasks = jobs.get(job);
    if (tasks === undefined) {
      if (limit !== undefined && jobs.size >= limit) continue;
      tasks = new Map();
      jobs.set(job, tasks);
    }
    let task = tasks.get(index);
    if (task === undefined) {
      task = { submit: NaN, schedule: NaN, end: NaN, request: { cpu: 0, memory: 0, gpu: 0 } };
      tasks.set(index, task);
    }
    if (type === TaskEvent.SUBMIT && Number.isNaN(task.submit)) {
      task.submit = t;
      task.request = { cpu: Math.round(row.number(9, 0) * scale.cpu), memory: Math.round(row.number(10, 0) * scale.memory), gpu: 0 };
    } else if (type === TaskEvent.SCHEDULE && Number.isNaN(task.schedule)) {
      task.schedule = t;
    } else if (type >= TaskEvent.EVICT && type <= TaskEvent.LOST && !Number.isNaN(task.schedule) && Number.isNaN(task.end)) {
      task.end = t;
    }
  }
  const groups: Omit<Group, "index">[] = [];
  for (const [job, tasks] of jobs) {
    const submitted = [...tasks.entries()].filter(([, task]) => !Number.isNaN(task.submit)).sort((a, b) => a[0] - b[0]);
    if (submitted.length === 0) continue;
    const submit = Math.min(...submitted.map(([, task]) => task.submit));
    let duration = 0;
    for (const [, task] of submitted) if (!Number.isNaN(task.end)) duration = Math.max(duration, task.end - task.schedule);
    const members: Member[] = submitted.map(([index, task]) => ({ name: `task-${index}`, request: task.request, delay: task.submit - submit, init: false }));
    if (groupAs !== "colocate") {
      groups.push(...wholeJob(job, submit, duration, members, groupAs));
      continue;
    }
    const chunks = chunkToFit(members, { cpu: scale.cpu, memory: scale.memory, gpu: 0 });
    chunks.forEach((chunk, k) => {
      groups.push({ id: chunks.length === 1 ? job : `${job}/${k + 1}`, submit: submit + chunk.offset, kind: "colocate", duration, priority: 0, members: chunk.members });
    });
  }
  const order = groups.map((g, i) => ({ g, i })).sort((a, b) => a.g.submit - b.g.submit || a.i - b.i);
  return order.map(({ g }, index) => ({ ...g, index }));
}

// A sweep worker thread: one task per call (tinypool).
import { InputError } from "../workload/errors.ts";
import { WorkloadReuse } from "../workload/reuse.ts";
import { executeTask, type TaskResult } from "./execute.ts";
import type { SweepTask } from "./spec.ts";

/** What a worker sends back: a result, or bad input found during the run (a broken trace row), which loses its class across threads. */
export type WorkerReply = { readonly ok: TaskResult } | { readonly inputError: string };

/** The thread's last workload: the next task of the same grid point and seed (another strategy's) takes it. */
const reuse = new WorkloadReuse();

export default function run({ out, task, compress }: { out: string; task: SweepTask; compress?: boolean }): WorkerReply {
  try {
    return { ok: executeTask(out, task, compress, reuse) };
  } catch (err) {
    reuse.clear();
    if (err instanceof InputError) return { inputError: err.message };
    throw err;
  }
}

/** The main thread's side: the result, or the InputError rethrown. */
export function unwrapReply(reply: WorkerReply): TaskResult {
  if ("inputError" in reply) throw new InputError(reply.inputError);
  return reply.ok;
}

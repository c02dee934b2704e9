// A sweep worker thread: one task per call (tinypool).
import { InputError } from "../workload/errors.ts";
import { executeTask, type TaskResult } from "./execute.ts";
import type { SweepTask } from "./spec.ts";

/** What a worker sends back: a result, or bad input found during the run (a broken trace row), which loses its class across threads. */
export type WorkerReply = { readonly ok: TaskResult } | { readonly inputError: string };

export default function run({ out, task, compress }: { out: string; task: SweepTask; compress?: boolean }): WorkerReply {
  try {
    return { ok: executeTask(out, task, compress) };
  } catch (err) {
    if (err instanceof InputError) return { inputError: err.message };
    throw err;
  }
}

/** The main thread's side: the result, or the InputError rethrown. */
export function unwrapReply(reply: WorkerReply): TaskResult {
  if ("inputError" in reply) throw new InputError(reply.inputError);
  return reply.ok;
}

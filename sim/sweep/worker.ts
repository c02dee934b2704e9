// A sweep worker thread: one task per call (tinypool).
import { executeTask, type TaskResult } from "./execute.ts";
import type { SweepTask } from "./spec.ts";

export default function run({ out, task }: { out: string; task: SweepTask }): TaskResult {
  return executeTask(out, task);
}

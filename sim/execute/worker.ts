// The worker thread of `cosched run`: says it is ready once its code is loaded, then executes run jobs one
// at a time, posting progress and results.
import { parentPort, workerData } from "node:worker_threads";
import { toThreadError } from "./errors.ts";
import { executeRunJob, type RunJob } from "./job.ts";

const PROGRESS_EVERY_MS = 100;

parentPort?.on("message", (job: RunJob) => {
  let last = 0;
  try {
    const onShared = job.prefault === true ? (buffers: readonly SharedArrayBuffer[]) => parentPort!.postMessage({ prefault: buffers }) : undefined;
    const result = executeRunJob(
      job,
      (fraction, events) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS && fraction < 1) return;
        last = now;
        parentPort!.postMessage({ progress: { fraction, events } });
      },
      onShared,
    );
    parentPort!.postMessage({ result });
  } catch (err) {
    parentPort!.postMessage({ error: toThreadError(err) });
  }
});
// Ready: a thread bin/cosched.js started early also has a flag to set (its message may come before anyone listens).
const flag = (workerData as { ready?: Int32Array } | undefined)?.ready;
if (flag !== undefined) Atomics.store(flag, 0, 1);
parentPort?.postMessage({ ready: true });

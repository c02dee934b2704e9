// The worker thread of `cosched run`: says it is ready once its code is loaded, then executes run jobs one
// at a time, posting progress and results.
import { parentPort, workerData } from "node:worker_threads";
import { toThreadError } from "./errors.ts";
import { executeRunJob, simulateRunJob, type RunJob, type SharedLog } from "./job.ts";
import { WorkloadReuse } from "../workload/reuse.ts";

const PROGRESS_EVERY_MS = 100;

// One workload kept between runs: `--strategy all` runs several strategies on each scenario and seed.
const reuse = new WorkloadReuse();

parentPort?.on("message", (job: RunJob) => {
  let last = 0;
  try {
    const onShared = job.prefault === true ? (buffers: readonly SharedArrayBuffer[]) => parentPort!.postMessage({ prefault: buffers }) : undefined;
    const onProgress = (fraction: number, events: number): void => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && fraction < 1) return;
      last = now;
      parentPort!.postMessage({ progress: { fraction, events } });
    };
    if (job.follow === true) {
      const onLog = (log: SharedLog): void => parentPort!.postMessage({ follow: log });
      parentPort!.postMessage({ simulated: simulateRunJob(job, { onProgress, onLog, reuse }) });
      return;
    }
    const result = executeRunJob(job, { onProgress, ...(onShared ? { onShared } : {}), reuse });
    parentPort!.postMessage({ result });
  } catch (err) {
    reuse.clear();
    parentPort!.postMessage({ error: toThreadError(err) });
  }
});
// Ready: a thread bin/cosched.js started early also has a flag to set (its message may come before anyone listens).
const flag = (workerData as { ready?: Int32Array } | undefined)?.ready;
if (flag !== undefined) Atomics.store(flag, 0, 1);
parentPort?.postMessage({ ready: true });

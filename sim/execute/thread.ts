import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ROOT } from "../paths.ts";
import { InputError } from "../workload/errors.ts";
import { fromThreadError, type ThreadError } from "./errors.ts";
import { RunFollower } from "./follow.ts";
import type { JobResult, RunJob, SharedLog, SimulatedRun } from "./job.ts";
import { Prefault } from "./prefault.ts";

/** A run thread bin/cosched.js started before the command line was parsed (see there). */
const PREWARMED = Symbol.for("cosched.runWorker");

/** The prewarmed thread, once, if it is still alive, and whether its code is loaded; the caller owns it (it is ref'd again). */
function adoptPrewarmed(): { worker: Worker; ready: boolean } | undefined {
  const holder = globalThis as unknown as Record<symbol, { worker: Worker; exited: boolean; ready: Int32Array; release: () => void } | undefined>;
  const prewarmed = holder[PREWARMED];
  holder[PREWARMED] = undefined;
  if (prewarmed === undefined) return undefined;
  prewarmed.release();
  if (prewarmed.exited) return undefined;
  prewarmed.worker.ref();
  // Not yet set: its ready message is still to come, and the listener is attached before it can arrive.
  return { worker: prewarmed.worker, ready: Atomics.load(prewarmed.ready, 0) === 1 };
}

type Message =
  | { ready: true }
  | { progress: { fraction: number; events: number } }
  | { prefault: SharedArrayBuffer[] }
  | { follow: SharedLog }
  | { simulated: SimulatedRun }
  | { result: JobResult }
  | { error: ThreadError };

interface Pending {
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
  onProgress?: ((fraction: number, events: number) => void) | undefined;
  prefault: Prefault;
  /** A `follow` job's tables, made on this thread. */
  follower?: RunFollower | undefined;
}

/**
 * Runs jobs one at a time on a worker thread, so the main thread stays free
 * for signals whatever a run does (simulate, summarise, write CSV): an
 * interrupt terminates the thread at once.
 */
export class JobThread {
  private readonly worker: Worker;
  private pending: Pending | undefined;
  /** Settles when the thread has loaded its code (rejects if it dies first). */
  readonly ready: Promise<void>;
  /** True once the thread has loaded its code (known without waiting for `ready`). */
  private isLoaded: boolean;

  constructor() {
    const adopted = adoptPrewarmed();
    this.worker = adopted?.worker ?? new Worker(join(ROOT, "bin/run-worker.js"));
    let isReady = adopted?.ready ?? false;
    this.isLoaded = isReady;
    let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
    this.ready = isReady ? Promise.resolve() : new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.ready.catch(() => {}); // a thread never waited on may die unobserved
    const started = (err?: Error): void => {
      if (isReady) return;
      isReady = true;
      this.isLoaded = err === undefined;
      if (err === undefined) settle?.resolve();
      else settle?.reject(err);
    };
    this.worker.on("message", (m: Message) => {
      if ("ready" in m) return started();
      const p = this.pending;
      if (p === undefined) return;
      if ("progress" in m) p.onProgress?.(m.progress.fraction, m.progress.events);
      else if ("prefault" in m) p.prefault.add(m.prefault);
      else if ("follow" in m) {
        p.prefault.add(m.follow.buffers);
        this.attach(p, m.follow);
      } else {
        this.end(p);
        if ("result" in m) p.resolve(m.result);
        else if ("simulated" in m) this.complete(p, m.simulated);
        else p.reject(fromThreadError(m.error));
      }
    });
    this.worker.on("error", (err) => {
      started(err);
      const p = this.pending;
      if (p !== undefined) this.end(p);
      // The thread's heap limit stopped the run: the main thread lives on to say so and clean up.
      const oom = (err as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY";
      p?.reject(oom ? new InputError("the run ran out of memory in its thread (more than the memory estimate allowed for); make the scenario smaller, or raise the limit with NODE_OPTIONS=--max-old-space-size=MB") : err);
    });
    this.worker.on("exit", (code) => {
      started(new Error(`the run's worker thread exited (code ${code})`));
      const p = this.pending;
      if (p !== undefined) this.end(p);
      p?.reject(new Error(`the run's worker thread exited (code ${code})`));
    });
  }

  /** Whether the thread has loaded its code: a job given now starts at once. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  run(job: RunJob, onProgress?: (fraction: number, events: number) => void): Promise<JobResult> {
    if (this.pending !== undefined) throw new Error("JobThread: one job at a time");
    return new Promise<JobResult>((resolve, reject) => {
      const p: Pending = { resolve, reject, onProgress, prefault: new Prefault() };
      this.pending = p;
      this.worker.postMessage(job);
      if (job.follow !== true) return;
      const failed = (err: unknown): void => {
        if (this.pending !== p) return;
        this.end(p);
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      p.follower = new RunFollower(job, failed);
    });
  }

  async terminate(): Promise<void> {
    if (this.pending !== undefined) this.end(this.pending);
    await this.worker.terminate();
  }

  /** The job is over (whatever its outcome): nothing more is touched or followed for it. */
  private end(p: Pending): void {
    if (this.pending === p) this.pending = undefined;
    p.prefault.stop();
    p.follower?.stop();
  }

  /** A `follow` job's run has started: its log, to follow. */
  private attach(p: Pending, log: SharedLog): void {
    try {
      p.follower?.attach(log);
    } catch (err) {
      this.end(p);
      p.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** A `follow` job's run has ended: its tables, made and written here. */
  private complete(p: Pending, run: SimulatedRun): void {
    let result: JobResult;
    try {
      if (p.follower === undefined) throw new Error("JobThread: a run ended that was not followed");
      result = p.follower.complete(run);
    } catch (err) {
      p.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    p.resolve(result);
  }
}

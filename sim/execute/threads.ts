import type { JobResult, RunJob } from "./job.ts";
import { JobThread } from "./thread.ts";

/** What a pool reports while it runs: each job as it starts, its progress, and as it ends (by its index in the list). */
export interface PoolHooks {
  start?(index: number): void;
  progress?(index: number, fraction: number, events: number): void;
  done?(index: number, result: JobResult): void;
}

/**
 * Runs a list of jobs on up to `size` worker threads, each job on the next
 * free thread (once it has loaded its code) in list order. Results come back by index, whatever order the
 * jobs end in. The first failure rejects; no job starts after it, and
 * terminate() stops the ones still running.
 */
export class JobThreads {
  private readonly threads: JobThread[] = [];

  constructor(private readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error(`JobThreads: size ${size}`);
  }

  async runAll(jobs: readonly RunJob[], hooks: PoolHooks = {}): Promise<JobResult[]> {
    const results: JobResult[] = new Array<JobResult>(jobs.length);
    let next = 0;
    let failed = false;
    let lastTaken: () => void = () => {};
    const allTaken = new Promise<void>((resolve) => (lastTaken = resolve));
    // A thread takes jobs once its code is loaded, and stops waiting when none is left: a short command
    // is done by the first thread before another is ready, and does not wait for it.
    const drain = async (thread: JobThread): Promise<void> => {
      // A thread already loaded (the one bin/cosched.js started early, as a rule) takes its first job now,
      // in this turn: the command line parser's own work after the handler returns (yargs builds the whole
      // help text, ~40 ms) then overlaps the run instead of delaying it.
      if (!thread.loaded) await Promise.race([thread.ready, allTaken]);
      while (!failed && next < jobs.length) {
        const index = next++;
        if (next === jobs.length) lastTaken();
        const progress = hooks.progress === undefined ? undefined : (fraction: number, events: number) => hooks.progress!(index, fraction, events);
        hooks.start?.(index);
        let result: JobResult;
        try {
          result = await thread.run(jobs[index]!, progress);
        } catch (err) {
          failed = true;
          throw err;
        }
        results[index] = result;
        hooks.done?.(index, result);
      }
    };
    while (this.threads.length < Math.min(this.size, jobs.length)) this.threads.push(new JobThread());
    await Promise.all(this.threads.map(drain));
    return results;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

#!/usr/bin/env node
// Entry point: the bundled CLI (dist/cli.js), or the sources through tsx when the bundle is stale or missing.
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { load } from "./entry.js";

// V8 inlines at most half its default bytecode into one optimised function (920 -> 460 bytes), for this
// process and its threads, unless the command line or NODE_OPTIONS sets the limit. Each thread compiles its
// own code on the same cores the runs use: OpenB under all four strategies in one command went from a
// mean 1.98 to 1.80 s (5 alternated pairs), and whole runs at 10,000 x 100,000 took as long as before (README,
// Performance). The flag changes what V8 compiles, never what a run computes.
const INLINE_FLAG = "--max-inlined-bytecode-size-cumulative";
if (![...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) => a.startsWith(INLINE_FLAG))) setFlagsFromString(`${INLINE_FLAG}=460`);

// `cosched run` executes its runs on a worker thread (sim/execute/thread.ts). Started here, the thread
// loads its code while this one loads and parses the command line; the run adopts it. Unref'd, so a
// command that ends before adopting it (a bad flag) exits at once; a thread that failed to start is
// left for the run to replace with a fresh one.
if (process.argv[2] === "run") {
  // The thread sets `ready` once its code is loaded: a flag, not a message, so nothing here keeps the
  // process alive for it (a message listener would reference the thread's port).
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./run-worker.js", import.meta.url), { workerData: { ready } });
  const onError = () => {};
  const onExit = () => (prewarmed.exited = true);
  // The run takes these listeners off one by one (removeAllListeners would also drop the ones Node's
  // Worker uses to reference its message port).
  const release = () => {
    worker.off("error", onError);
    worker.off("exit", onExit);
  };
  const prewarmed = { worker, exited: false, ready, release };
  worker.on("error", onError);
  worker.on("exit", onExit);
  worker.unref();
  globalThis[Symbol.for("cosched.runWorker")] = prewarmed;
}

await load("cli", "sim/cli/main.ts");

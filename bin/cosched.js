#!/usr/bin/env node
// Entry point: the bundled CLI (dist/cli.js), or the sources through tsx when the bundle is stale or missing.
import { Worker } from "node:worker_threads";
import { load } from "./entry.js";

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

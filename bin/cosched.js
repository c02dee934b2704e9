#!/usr/bin/env node
// Entry point: the bundled CLI (dist/cli.js), or the sources through tsx when the bundle is stale or missing.
import { Worker } from "node:worker_threads";
import { load } from "./entry.js";

// `cosched run` executes its runs on a worker thread (sim/execute/thread.ts). Started here, the thread
// loads its code while this one loads and parses the command line; the run adopts it. Unref'd, so a
// command that ends before adopting it (a bad flag) exits at once; a thread that failed to start is
// left for the run to replace with a fresh one.
if (process.argv[2] === "run") {
  const worker = new Worker(new URL("./run-worker.js", import.meta.url));
  const prewarmed = { worker, exited: false };
  worker.on("error", () => {});
  worker.on("exit", () => (prewarmed.exited = true));
  worker.unref();
  globalThis[Symbol.for("cosched.runWorker")] = prewarmed;
}

await load("cli", "sim/cli/main.ts");

import { constants } from "node:os";

/**
 * Ctrl-C and `kill`: while some work has a cleanup registered, SIGINT or
 * SIGTERM runs every cleanup (awaited: stopping worker threads before
 * removing what they wrote), writes one line to stderr, and exits with 128 +
 * the signal number (130, 143), as shells report it. A second signal exits at
 * once. With nothing registered, the listeners are removed, so a process that
 * merely imports cosched keeps Node's default signal behaviour. Long runs
 * yield to the event loop between slices so the handler gets its turn.
 */
/** A cleanup may return a note for the closing line ("kept 12 complete runs"). */
type Cleanup = () => void | string | Promise<void | string>;
const cleanups = new Set<Cleanup>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
let stopping = false;

/** True once a signal arrived: errors from work being torn down are expected then, not reported. */
export function isStopping(): boolean {
  return stopping;
}

function handle(signal: (typeof SIGNALS)[number]): void {
  const code = 128 + constants.signals[signal];
  if (stopping) process.exit(code);
  stopping = true;
  const pending = [...cleanups].map(async (cleanup) => cleanup());
  void Promise.allSettled(pending).then((results) => {
    const notes = results.flatMap((r) => (r.status === "fulfilled" && typeof r.value === "string" ? [r.value] : []));
    process.stderr.write(`\ncosched: interrupted by ${signal}; ${notes.length > 0 ? notes.join("; ") : "partial output removed"}\n`);
    process.exit(code);
  });
}

/** Registers a cleanup for an interruption; returns a function that unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) for (const signal of SIGNALS) process.on(signal, handle);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    for (const signal of SIGNALS) process.off(signal, handle);
  };
}

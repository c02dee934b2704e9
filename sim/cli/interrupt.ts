import { constants } from "node:os";

/**
 * Ctrl-C and `kill`: on SIGINT or SIGTERM every registered cleanup runs
 * (removing temporary output), one line goes to stderr, and the process exits
 * with 128 + the signal number (130, 143), as shells report it. Long runs
 * yield to the event loop between slices so the handler gets its turn.
 */
const cleanups = new Set<() => void>();
let installed = false;

/** Registers a cleanup for an interruption; returns a function that unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const cleanup of cleanups) {
        try {
          cleanup();
        } catch {
          // Best effort: keep cleaning up, then exit.
        }
      }
      process.stderr.write(`\ncosched: interrupted by ${signal}; partial output removed\n`);
      process.exit(128 + constants.signals[signal]);
    });
  }
}

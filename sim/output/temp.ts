import { readdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { threadId } from "node:worker_threads";
import { join } from "node:path";

/**
 * Temporary entries (files and folders being written) carry their owner in
 * their name: `.cosched-tmp-<pid>-<thread>.<n>@<host>`. A process removes only its own
 * temp entries, or ones provably stale: written on this host by a process
 * that no longer exists. Worker threads of one process share its pid, so
 * the thread is part of the name too. Entries of another host (a shared volume) are never
 * removed, because their owner cannot be checked from here.
 */
const PREFIX = ".cosched-tmp-";
/** This host, as written in temp names and locks. */
export const HOST = hostname().replace(/[^A-Za-z0-9_.-]/g, "_") || "host";
const PATTERN = /^\.cosched-tmp-(\d+)-(\d+)\.(\d+)@([A-Za-z0-9_.-]+)$/;
let counter = 0;

/** A fresh temp name owned by this process (unique within it). */
export function tempName(): string {
  return `${PREFIX}${process.pid}-${threadId}.${counter++}@${HOST}`;
}

export function isTempName(name: string): boolean {
  return name.startsWith(PREFIX);
}

/** Whether a process with this id exists on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whose temp entry this is: this process's, a dead process's on this host, or someone else's. */
export function tempOwner(name: string): "mine" | "stale" | "other" | undefined {
  const m = PATTERN.exec(name);
  if (!m) return isTempName(name) ? "other" : undefined;
  const pid = Number(m[1]);
  if (m[4] !== HOST) return "other";
  if (pid === process.pid) return "mine";
  return processAlive(pid) ? "other" : "stale";
}

/**
 * Removes this process's temp entries in `dir` (which = "mine"), or those
 * whose owner is gone (which = "stale"). Returns the names removed.
 */
export function removeTemps(dir: string, which: "mine" | "stale"): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (tempOwner(name) !== which) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

import { mkdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, parse, resolve } from "node:path";
import { InputError } from "../workload/errors.ts";
import { tempName } from "./temp.ts";

/** Writes a file through an owned temp name and a rename: readers never see it half written. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temp = join(dirname(file), tempName());
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Creates `dir` and any missing parents one level at a time (a recursive
 * mkdir spins forever under /proc on Linux), so a place where no folder can
 * be made fails at once. Returns the folders it created, outermost first.
 * Errors are bad input naming `flag`.
 */
export function makeFolder(dir: string, flag: string): string[] {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let stat;
    try {
      stat = statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new InputError(`${flag} ${dir}: cannot create the folder here (${code ?? String(err)} at ${at})`);
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw new InputError(`${flag} ${dir}: ${at === target ? "is a file" : `${at} is a file`} (expected a folder)`);
      break;
    }
    missing.unshift(at);
    if (parse(at).root === at) break;
    at = dirname(at);
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue; // made meanwhile by someone else (a shard)
      throw new InputError(`${flag} ${dir}: cannot create the output folder here (${code ?? String(err)})`);
    }
  }
  return missing;
}

/**
 * Writes a new folder whole: `fill` writes into an owned temp folder beside
 * `target`, which is renamed into place only when complete (a sweep's
 * runs/<run_id>/). Readers never see it half written.
 */
export function writeFolderAtomic(target: string, fill: (temp: string) => void): void {
  const temp = join(dirname(target), tempName());
  mkdirSync(temp);
  try {
    fill(temp);
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

/** Removes folders made by makeFolder, innermost first, while they are empty (a command that failed leaves none). */
export function removeEmpty(created: readonly string[]): void {
  for (const folder of [...created].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      return;
    }
  }
}

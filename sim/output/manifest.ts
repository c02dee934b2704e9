import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { packageVersion, ROOT } from "../paths.ts";

/** Where an output came from: written into every manifest.json. */
export interface Provenance {
  readonly version: string;
  readonly git_commit: string | null;
  readonly node: string;
  readonly created: string;
  /** The command line as typed (cosched and its arguments). */
  readonly command: readonly string[] | null;
}

let commit: string | null | undefined;

function gitCommit(): string | null {
  if (commit === undefined) commit = readHead(join(ROOT, ".git")) ?? askGit();
  return commit;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * The commit checked out in the git folder `git`, read from it (HEAD, then its branch's loose
 * or packed ref): a few milliseconds where starting git took tens.
 * undefined when .git is anything else (a worktree's file, a detached
 * layout it does not know): then git is asked.
 */
export function readHead(git: string): string | undefined {
  try {
    const head = readFileSync(join(git, "HEAD"), "utf8").trim();
    if (SHA.test(head)) return head;
    const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
    if (ref === undefined) return undefined;
    if (existsSync(join(git, ref))) {
      const sha = readFileSync(join(git, ref), "utf8").trim();
      return SHA.test(sha) ? sha : undefined;
    }
    const packed = readFileSync(join(git, "packed-refs"), "utf8").split("\n").find((line) => line.endsWith(` ${ref}`));
    const sha = packed?.slice(0, 40);
    return sha !== undefined && SHA.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

function askGit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || null;
  } catch {
    return null;
  }
}

export function provenance(command: readonly string[] | undefined): Provenance {
  return { version: packageVersion(), git_commit: gitCommit(), node: process.version, created: new Date().toISOString(), command: command === undefined ? null : ["cosched", ...command] };
}

/**
 * A path as a manifest shows it, never absolute: cosched's own files as
 * `<cosched>/scenarios/x.json`, others relative to the output folder, with
 * forward slashes.
 */
export function manifestPath(file: string, outDir: string): string {
  const own = relative(ROOT, file);
  if (!own.startsWith("..") && !isAbsolute(own)) return `<cosched>/${own.split(sep).join("/")}`;
  return relative(outDir, file).split(sep).join("/");
}

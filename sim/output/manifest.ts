import { execFileSync } from "node:child_process";
import { isAbsolute, relative, sep } from "node:path";
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
  if (commit === undefined) {
    try {
      commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || null;
    } catch {
      commit = null;
    }
  }
  return commit;
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

import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, parse, resolve } from "node:path";
import { InputError } from "../workload/errors.ts";
import { writeFileAtomic } from "./atomic.ts";
import { isTempName } from "./temp.ts";

/**
 * Whose folder is this? cosched writes only into a folder that does not
 * exist, is empty, or is its own: one holding a `manifest.json` written by
 * cosched, which lists the files cosched wrote there. Anything else is the
 * user's, and is never deleted or replaced.
 */
export const MANIFEST = "manifest.json";
/** An exclusive writer's lock in an output folder (see OutputFolder). */
export const LOCK = ".cosched-lock";

export type FolderState =
  | { readonly kind: "missing" }
  /** Exists and holds nothing but cosched's temp entries. */
  | { readonly kind: "empty" }
  /** Holds a cosched manifest: the files and charts it lists are cosched's. */
  | { readonly kind: "owned"; readonly files: readonly string[]; readonly charts: readonly string[]; readonly manifest: Record<string, unknown> }
  | { readonly kind: "foreign"; readonly entries: readonly string[] };

/** What a folder written before manifests existed (a sweep folder with sweep.json) holds of cosched's. */
const LEGACY_SWEEP_FILES = ["runs", "sweep.json", "groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv"];
const LEGACY_CHARTS = ["latency_cdf.svg", "utilisation.svg", "correct_vs_load.svg", "conflicts_vs_decision.svg", "deadlocks_vs_load.svg"];

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : []);

export function inspectFolder(dir: string): FolderState {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) return { kind: "foreign", entries: [dir] };
    entries = readdirSync(dir).filter((name) => !isTempName(name) && name !== LOCK);
  } catch {
    return { kind: "missing" };
  }
  if (entries.length === 0) return { kind: "empty" };
  const manifest = readJson(join(dir, MANIFEST));
  if (manifest !== null && typeof manifest === "object" && (manifest as { tool?: unknown }).tool === "cosched") {
    const m = manifest as Record<string, unknown>;
    return { kind: "owned", files: strings(m.files), charts: strings(m.charts), manifest: m };
  }
  if (!existsSync(join(dir, MANIFEST))) {
    const plan = readJson(join(dir, "sweep.json")) as { tasks?: unknown } | undefined;
    if (plan !== undefined && plan !== null && Array.isArray(plan.tasks)) return { kind: "owned", files: LEGACY_SWEEP_FILES, charts: LEGACY_CHARTS, manifest: {} };
  }
  return { kind: "foreign", entries };
}

export interface ClaimOptions {
  /** The flag that named the folder, for messages ("--out"). */
  readonly flag: string;
  /** Write beside files cosched did not write (never replacing them). */
  readonly force: boolean;
  /** Every name the command may write into the folder. */
  readonly writes: readonly string[];
}

/**
 * Checks that a command may write `writes` into `dir`, or throws bad input
 * saying why not: an empty path, a file, the root of a file system, a folder
 * holding files cosched did not write (unless `force`), or a name to write
 * that exists and is not cosched's.
 */
export function claimFolder(dir: string, options: ClaimOptions): FolderState {
  const { flag } = options;
  if (dir.trim() === "") throw new InputError(`${flag} "${dir}": expected a folder path`);
  const target = resolve(dir);
  if (parse(target).root === target) throw new InputError(`${flag} ${dir}: refusing to write into the root of a file system; choose a folder of its own`);
  const state = inspectFolder(target);
  if (state.kind === "foreign") {
    if (existsSync(target) && !statSync(target).isDirectory()) throw new InputError(`${flag} ${dir}: is a file (expected a folder)`);
    if (!options.force) {
      const shown = state.entries.slice(0, 3).join(", ") + (state.entries.length > 3 ? `, ... (${state.entries.length} entries)` : "");
      throw new InputError(
        `${flag} ${dir}: the folder holds files cosched did not write (${shown}); choose a new or empty folder, or add --force to write beside them (they are never replaced)`,
      );
    }
  }
  if (state.kind === "owned" || state.kind === "foreign") {
    const own = new Set(state.kind === "owned" ? [...state.files, ...state.charts, MANIFEST] : []);
    for (const name of options.writes) {
      if (!own.has(name) && existsSync(join(target, name))) {
        throw new InputError(`${flag} ${dir}: ${name} exists there and cosched did not write it; move it away or choose another folder`);
      }
    }
  }
  return state;
}

export interface ManifestUpdate {
  /** The manifest's fields; absent: keep the earlier manifest's (and write none where there is none). */
  readonly fields?: Record<string, unknown>;
  /** Names cosched just wrote there. */
  readonly files?: readonly string[];
  readonly charts?: readonly string[];
  /** New tables: the earlier charts are stale, and are removed. */
  readonly dropCharts?: boolean;
}

/**
 * Writes `dir`/manifest.json (atomically): cosched's provenance fields and
 * the lists of files and charts it wrote there, merged with what the current
 * manifest lists (read now, so shards writing one folder keep each other's
 * entries), keeping only names that exist.
 */
export function recordManifest(dir: string, update: ManifestUpdate): void {
  const state = inspectFolder(dir);
  const previous = state.kind === "owned" ? state : undefined;
  if (update.dropCharts) for (const name of previous?.charts ?? []) if (!(update.charts ?? []).includes(name)) rmSync(join(dir, name), { force: true });
  const fields = update.fields ?? (previous === undefined || Object.keys(previous.manifest).length === 0 ? undefined : withoutLists(previous.manifest));
  if (fields === undefined) return;
  const exists = (name: string) => existsSync(join(dir, name));
  const files = [...new Set([...(previous?.files ?? []), ...(update.files ?? []), MANIFEST])].filter((n) => n === MANIFEST || exists(n)).sort();
  const charts = [...new Set([...(update.dropCharts ? [] : (previous?.charts ?? [])), ...(update.charts ?? [])])].filter(exists).sort();
  writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify({ tool: "cosched", ...fields, files, charts }, null, 2)}\n`);
}

function withoutLists(manifest: Record<string, unknown>): Record<string, unknown> {
  const { tool: _tool, files: _files, charts: _charts, ...rest } = manifest;
  return rest;
}

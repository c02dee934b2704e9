import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../workload/errors.ts";
import { makeFolder, removeEmpty } from "./atomic.ts";
import { claimFolder, LOCK, MANIFEST, recordManifest, type FolderState } from "./ownership.ts";
import { HOST, processAlive, removeTemps, tempName } from "./temp.ts";

export interface OutputOptions {
  /** The flag that named the folder, for messages. */
  readonly flag?: string;
  readonly force?: boolean;
  /** Every name the command may write (checked against files that are not cosched's). */
  readonly writes: readonly string[];
  /** Own files of an earlier output that this one makes stale: removed at commit if not rewritten. */
  readonly replaces?: readonly string[];
  /** New tables make an earlier output's charts stale: remove them (they are cosched's). */
  readonly invalidatesCharts?: boolean;
  /** Hold the folder's lock while writing: a second writer is refused (not for shards sharing a sweep folder). */
  readonly exclusive?: boolean;
}

/**
 * A command's output in a folder it may write (see ownership.ts). Files are
 * written into an owned temp folder inside the target and moved into place on
 * commit, each whole; the manifest goes last and lists the files cosched
 * wrote, so the folder is recognised as cosched's next time. On abort the
 * temp folder goes, and so does the target if this command created it.
 * Nothing that is not cosched's is ever deleted or replaced.
 */
export class OutputFolder {
  readonly target: string;
  readonly temp: string;
  private readonly state: FolderState;
  private readonly created: string[];
  private readonly locked: boolean;
  private readonly replaces: readonly string[];
  private readonly invalidatesCharts: boolean;
  private closed = false;

  constructor(dir: string, options: OutputOptions) {
    const flag = options.flag ?? "--out";
    this.state = claimFolder(dir, { flag, force: options.force ?? false, writes: options.writes });
    this.target = resolve(dir);
    this.replaces = options.replaces ?? [];
    this.invalidatesCharts = options.invalidatesCharts ?? false;
    this.created = makeFolder(this.target, flag);
    removeTemps(this.target, "stale");
    this.locked = options.exclusive === true && this.lock(dir, flag);
    this.temp = join(this.target, tempName());
    try {
      mkdirSync(this.temp);
    } catch (err) {
      this.release();
      throw new InputError(`${flag} ${dir}: cannot write into the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  private lock(dir: string, flag: string): boolean {
    const file = join(this.target, LOCK);
    const me = `${process.pid}@${HOST}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, "wx");
        writeSync(fd, me);
        closeSync(fd);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new InputError(`${flag} ${dir}: cannot write into the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      const owner = readOwner(file);
      if (owner !== undefined && owner.host === HOST && !processAlive(owner.pid)) {
        rmSync(file, { force: true }); // its writer is gone
        continue;
      }
      this.removeCreated();
      throw new InputError(`${flag} ${dir}: another cosched (${owner === undefined ? "unknown" : `pid ${owner.pid} on ${owner.host}`}) is writing into this folder; wait for it to finish or choose another folder`);
    }
    return false;
  }

  /** Where to write `name` (inside the temp folder until commit). */
  path(name: string): string {
    return join(this.temp, name);
  }

  /**
   * Moves the written files into place (replacing only cosched's own files),
   * removes own files this output makes stale, then writes the manifest:
   * `fields` (or, when absent, the earlier manifest's) and the lists of
   * cosched's files and charts, the written names counted `as` either. No
   * manifest is written into a folder that is not cosched's unless `fields`
   * are given (report --force on a foreign folder writes only its charts).
   */
  commit(options: { fields?: Record<string, unknown>; as?: "files" | "charts" } = {}): string[] {
    if (this.closed) throw new Error("output folder already closed");
    const written = readdirSync(this.temp).filter((name) => name !== MANIFEST);
    for (const name of written) renameSync(join(this.temp, name), join(this.target, name));
    const own = this.state.kind === "owned" ? this.state.files : [];
    for (const name of this.replaces) if (own.includes(name) && !written.includes(name)) rmSync(join(this.target, name), { recursive: true, force: true });
    rmSync(this.temp, { recursive: true, force: true });
    recordManifest(this.target, { ...(options.fields ? { fields: options.fields } : {}), [options.as ?? "files"]: written, dropCharts: this.invalidatesCharts });
    this.closed = true;
    this.release();
    return written;
  }

  /** Removes what this command wrote; leaves the folder as it was. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    rmSync(this.temp, { recursive: true, force: true });
    this.release();
    this.removeCreated();
  }

  private release(): void {
    if (this.locked) rmSync(join(this.target, LOCK), { force: true });
  }

  /** Removes the folders this command created, innermost first, while they are empty. */
  private removeCreated(): void {
    removeEmpty(this.created);
  }
}

function readOwner(file: string): { pid: number; host: string } | undefined {
  try {
    const m = /^(\d+)@(.*)$/.exec(readFileSync(file, "utf8").trim());
    return m ? { pid: Number(m[1]), host: m[2]! } : undefined;
  } catch {
    return undefined;
  }
}

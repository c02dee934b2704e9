import { dirname } from "node:path";
import type { Rng, RngStreams } from "../engine/index.ts";
import { buildWorkload, type Workload } from "./build.ts";
import { fileDigest } from "./inputs.ts";
import type { Scenario } from "./scenario.ts";

/**
 * The last workload a thread built, kept for its next run of the same
 * scenario and seed: `cosched run --strategy all` runs one workload under
 * each strategy, and a thread that runs two of them in turn builds it once
 * (OpenB's trace is read and split again otherwise, ~150 ms a run).
 *
 * A run given a kept workload sees what it would have built: the same
 * groups (their members kept afresh, as built ones are), and its random
 * streams as the build left them (each stream the build drew from is
 * restored from a copy taken after the build, so the run's draws are the
 * same). Scenarios are told apart by their resolved spec, folder and seed,
 * and by the contents of the files they read (the digests a run's id is
 * made of): a trace edited between two runs is read again.
 */
export class WorkloadReuse {
  private last: { readonly key: string; readonly workload: Workload; readonly streams: ReadonlyMap<string, Rng> } | undefined;

  /** The workload of `scenario` under `rng`'s seed: the one kept, or one built now with `rng` (kept then). */
  workload(scenario: Scenario, rng: RngStreams): Workload {
    const baseDir = dirname(scenario.file);
    const key = JSON.stringify([scenario.spec, baseDir, rng.seed, scenario.inputs.map((i) => fileDigest(i.file).sha256)]);
    const last = this.last;
    if (last !== undefined && last.key === key) {
      rng.restore(last.streams);
      for (const g of last.workload.groups) g.resetMembers?.();
      return last.workload;
    }
    // The old one goes before the new one is built: a thread holds one workload at a time.
    this.last = undefined;
    const workload = buildWorkload(scenario.spec, rng, baseDir);
    this.last = { key, workload, streams: rng.snapshot() };
    return workload;
  }

  /** Lets the kept workload go. */
  clear(): void {
    this.last = undefined;
  }
}

import type { Cluster } from "../../model/cluster.ts";
import { GainJournal } from "../../model/gain-journal.ts";

/** Requests kept. */
const KEPT = 128;
/** The most fitting nodes a record lists: a scan that found more is not recorded. */
export const FITS_KEPT = 128;

/**
 * What scans of every node found, for requests (cpu, memory) without a
 * selector, GPUs or nominated Pods about: the nodes that fitted (at most
 * FITS_KEPT, often none), with the counts of the cluster's gains and of this
 * scheduler's Pods leaving nodes at that moment. Every other node lacked the
 * room then, and has since only lost room unless it gained: so for a Pod
 * asking at least as much of both, the nodes that can fit now are among the
 * recorded ones and those that gained since (`candidates`). The last KEPT
 * records are kept; the journals remember the last GainJournal.KEPT gains.
 */
export class ScanRecords {
  /** Per record: cpu, memory, the cluster's gains, the Pods' gains (4 values). */
  private readonly requests = new Float64Array(4 * KEPT);
  /** Per record: the nodes that fitted (FITS_KEPT slots each) and how many. */
  private readonly fits = new Int32Array(KEPT * FITS_KEPT);
  private readonly fitCount = new Int32Array(KEPT);
  private count = 0;
  private next = 0;
  /** Nodes a Pod of this scheduler left (podLeft): room, as the cluster's gains are. */
  private readonly podGains = new GainJournal();
  /** The candidates of the last lookup: their places in scan order, sorted. */
  readonly candidates = new Int32Array(FITS_KEPT + 2 * GainJournal.KEPT);
  /** Which nodes are listed already, while a lookup runs. */
  private readonly listed: Uint8Array;

  constructor(private readonly cluster: Cluster) {
    this.listed = new Uint8Array(cluster.size);
  }

  /** A Pod bound to `node` left it (unbound): the node has room for one more. */
  podLeft(node: number): void {
    this.podGains.gained(node);
  }

  /** As the nodes stand now, no node but fits[0..fitted) can hold (cpu, memory) (fitted <= FITS_KEPT). */
  record(cpu: number, memory: number, fits: Int32Array, fitted: number): void {
    const i = this.next;
    const r = this.requests;
    r[4 * i] = cpu;
    r[4 * i + 1] = memory;
    r[4 * i + 2] = this.cluster.gains().count;
    r[4 * i + 3] = this.podGains.count;
    this.fits.set(fits.subarray(0, fitted), i * FITS_KEPT);
    this.fitCount[i] = fitted;
    this.next = (i + 1) % KEPT;
    if (this.count < KEPT) this.count++;
  }

  /**
   * For a request of at least (cpu, memory): the latest record it covers
   * gives the nodes that can fit it, its fitting nodes and the nodes that
   * gained room since. Writes them to `candidates` as places in scan order
   * from `start` (0 is `start`), sorted, once each; returns how many, or -1
   * when no record covers the request or the journals forgot some gains.
   */
  lookup(cpu: number, memory: number, start: number): number {
    const r = this.requests;
    let i = -1;
    for (let k = 1; k <= this.count && i < 0; k++) {
      const j = (this.next - k + KEPT) % KEPT;
      if (cpu >= r[4 * j]! && memory >= r[4 * j + 1]!) i = j;
    }
    if (i < 0) return -1;
    const out = this.candidates;
    const fitted = this.fitCount[i]!;
    out.set(this.fits.subarray(i * FITS_KEPT, i * FITS_KEPT + fitted), 0);
    let end = this.cluster.gains().since(r[4 * i + 2]!, out, fitted);
    if (end >= 0) end = this.podGains.since(r[4 * i + 3]!, out, end);
    if (end < 0) return -1;
    const n = this.cluster.size;
    const listed = this.listed;
    let count = 0;
    for (let k = 0; k < end; k++) {
      const node = out[k]!;
      if (listed[node] === 1) continue;
      listed[node] = 1;
      out[count++] = node;
    }
    for (let k = 0; k < count; k++) {
      listed[out[k]!] = 0;
      out[k] = (out[k]! - start + n) % n;
    }
    out.subarray(0, count).sort();
    return count;
  }
}

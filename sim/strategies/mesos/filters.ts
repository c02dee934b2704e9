import type { Resources } from "../../model/resources.ts";
import type { Interest } from "./offers.ts";
import type { NodeArena } from "../../model/node-arena.ts";
import type { FilterKernel } from "./filter-kernel.ts";

/**
 * A framework's refuse filters: per node until when, the revive epoch each
 * was made in, and what was declined (cpu, memory, gpu at 3 node..); `live`
 * is false while it has set none in its current epoch (just revived: none
 * holds anything back, and no node need be looked at).
 */
export interface Filter {
  readonly until: Float64Array;
  readonly epochs: Uint32Array;
  readonly epoch: number;
  readonly live: boolean;
  readonly refused: Float64Array;
}

/** A framework that wants offers: which nodes it wants, and its refuse filters. */
export interface Wanting extends Filter {
  readonly f: number;
  readonly anyNode: boolean;
  readonly hoards: Uint32Array;
}

/**
 * Every framework's refuse filters (hierarchical.cpp `RefusedOfferFilter`,
 * `reviveOffers`), per node in typed arrays. A filter is set until a time, in
 * the framework's revive epoch, with what was declined; a revive starts a new
 * epoch, which clears every filter of the framework at once.
 */
export class RefuseFilters {
  private readonly until: Float64Array[];
  private readonly refused: Float64Array[];
  private readonly epochs: Uint32Array[];
  private readonly epoch: Uint32Array;
  /** Per framework: 1 once it set a filter in its current epoch. */
  private readonly live: Uint8Array;

  /** The arrays are laid out in `arena`, where given, while it has room (the filter kernel reads them there). */
  constructor(frameworks: number, nodes: number, arena?: NodeArena) {
    this.until = Array.from({ length: frameworks }, () => arena?.f64(nodes) ?? new Float64Array(nodes));
    this.refused = Array.from({ length: frameworks }, () => arena?.f64(3 * nodes) ?? new Float64Array(3 * nodes));
    this.epochs = Array.from({ length: frameworks }, () => arena?.u32(nodes) ?? new Uint32Array(nodes));
    this.epoch = new Uint32Array(frameworks);
    this.live = new Uint8Array(frameworks);
  }

  /** Framework f's filters as they stand (read at once: a later set or revive is not seen). */
  of(f: number): Filter {
    return { until: this.until[f]!, epochs: this.epochs[f]!, epoch: this.epoch[f]!, live: this.live[f] === 1, refused: this.refused[f]! };
  }

  /** Framework f revives: its filters are gone. */
  revive(f: number): void {
    this.epoch[f]!++;
    this.live[f] = 0;
  }

  /** Framework f declined amounts[3i..3i+2] of nodes[i]: filtered until `until` (in `kernel` where its arrays lie in the arena). */
  set(f: number, nodes: Int32Array, amounts: Float64Array, until: number, kernel?: FilterKernel): void {
    const filtered = this.until[f]!;
    const refused = this.refused[f]!;
    const epochs = this.epochs[f]!;
    const epoch = this.epoch[f]!;
    if (nodes.length > 0) this.live[f] = 1;
    if (kernel !== undefined && kernel.set({ until: filtered, epochs, refused }, nodes, amounts, until, epoch)) return;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      filtered[node] = until;
      epochs[node] = epoch;
      refused[3 * node] = amounts[3 * i]!;
      refused[3 * node + 1] = amounts[3 * i + 1]!;
      refused[3 * node + 2] = amounts[3 * i + 2]!;
    }
  }

  /**
   * The filters framework f set until `until` on `nodes` end now, where no
   * later decline replaced them: writes those nodes to `out`, in order.
   * Given `among` (per node, 1 where some framework hoards, and the
   * cluster's up flags), only the nodes hoarded on or down are written;
   * every one of the filters ends all the same. Returns how many filters
   * ended, and how many nodes were written.
   */
  end(f: number, nodes: Int32Array, until: number, out: Int32Array, among?: { readonly hoarded: Uint8Array; readonly up: Uint8Array }): { ended: number; listed: number } {
    const filtered = this.until[f]!;
    const hoarded = among?.hoarded;
    const up = among?.up;
    let ended = 0;
    let listed = 0;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (filtered[node] !== until) continue;
      filtered[node] = 0;
      ended++;
      if (hoarded === undefined || hoarded[node] === 1 || up![node] === 0) out[listed++] = node;
    }
    return { ended, listed };
  }

  /** The frameworks with an interest (null: wants no offers), in id order, with their filters. */
  wanting(interests: readonly (Interest | null)[]): Wanting[] {
    const out: Wanting[] = [];
    for (let f = 0; f < interests.length; f++) {
      const interest = interests[f];
      if (interest === null || interest === undefined) continue;
      out.push({ f, anyNode: interest.anyNode, hoards: interest.hoards, until: this.until[f]!, epochs: this.epochs[f]!, epoch: this.epoch[f]!, live: this.live[f] === 1, refused: this.refused[f]! });
    }
    return out;
  }
}

/**
 * Whether a framework's refuse filter holds back an offer of `node` now: set
 * until a later time in the framework's current revive epoch, and the node's
 * free resources (cpu, memory, gpu) contained in what was declined
 * (`RefusedOfferFilter`).
 */
export function holdsBack(filter: Filter, node: number, now: number, cpu: number, memory: number, gpu: number): boolean {
  if (!filter.live || filter.until[node]! <= now || filter.epochs[node] !== filter.epoch) return false;
  const refused = filter.refused;
  return cpu <= refused[3 * node]! && memory <= refused[3 * node + 1]! && gpu <= refused[3 * node + 2]!;
}

/**
 * Whether a framework that wants offers may be offered `node` now, its free
 * resources (cpu, memory, gpu): it wants the node (any node, or one it
 * hoards on) and has not filtered it. A round's choice and the setting aside
 * of nodes no framework may be offered both ask this.
 */
export function mayOffer(w: Wanting, node: number, now: number, cpu: number, memory: number, gpu: number): boolean {
  return (w.anyNode || w.hoards[node]! > 0) && !holdsBack(w, node, now, cpu, memory, gpu);
}

/**
 * The minimum offer (--min_allocatable_resources) as thresholds: a node is
 * offered only when its free resources reach at least one of the quantities
 * set (above zero); none set, anything free. So free resources reach it when
 * one of them is at or above its threshold: the quantity where set, else
 * Infinity; none set, the least positive number (Number.MIN_VALUE).
 */
export function minOfferThresholds({ cpu, memory, gpu }: Resources): Resources {
  if (cpu === 0 && memory === 0 && gpu === 0) return { cpu: Number.MIN_VALUE, memory: Number.MIN_VALUE, gpu: Number.MIN_VALUE };
  const at = (q: number): number => (q > 0 ? q : Infinity);
  return { cpu: at(cpu), memory: at(memory), gpu: at(gpu) };
}

/** Whether free resources (cpu, memory, gpu) reach the minimum offer whose thresholds are (tc, tm, tg): read them once per loop. */
export function reachesMinOffer(cpu: number, memory: number, gpu: number, tc: number, tm: number, tg: number): boolean {
  return cpu >= tc || memory >= tm || gpu >= tg;
}

/**
 * Which nodes the frameworks of a `wanting` list want at all (any node, or
 * one they hoard on), laid out for loops over thousands of nodes: read its
 * fields into locals once, then ask `wantedAt` per node, which costs a load
 * or two instead of a walk over the frameworks' objects. A node none of
 * them wants may skip `mayOffer` (every framework would answer false).
 */
export interface WantedNodes {
  /** Whether some framework wants any node. */
  readonly anyNode: boolean;
  /** The first two frameworks' hoard counts (`none`, zero counts, where there is no such framework), and the others'. */
  readonly first: Uint32Array;
  readonly second: Uint32Array;
  readonly rest: readonly Uint32Array[];
}

export function wantedNodes(wanting: readonly Wanting[], none: Uint32Array): WantedNodes {
  return { anyNode: wanting.some((w) => w.anyNode), first: wanting[0]?.hoards ?? none, second: wanting[1]?.hoards ?? none, rest: wanting.slice(2).map((w) => w.hoards) };
}

/** Whether `node` is wanted by the frameworks whose WantedNodes fields are given. */
export function wantedAt(node: number, anyNode: boolean, first: Uint32Array, second: Uint32Array, rest: readonly Uint32Array[]): boolean {
  if (anyNode || first[node]! > 0 || second[node]! > 0) return true;
  for (let k = 0; k < rest.length; k++) if (rest[k]![node]! > 0) return true;
  return false;
}

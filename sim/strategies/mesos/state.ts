import { GPU_DEVICE } from "../../model/gpu-devices.ts";
import type { Group } from "../../model/group.ts";
import type { Resources } from "../../model/resources.ts";
import type { EventId } from "../../engine/index.ts";
import type { OfferBatch } from "./offers.ts";

/** What the mesos strategy keeps per group and per framework, and small helpers on it. */

export const NO_OFFERS: OfferBatch = { nodes: new Int32Array(0), amounts: new Float64Array(0), offeredAt: 0, markingsAt: -1 };

export type Status = "unknown" | "pending" | "backoff" | "launched" | "unschedulable";

/** A kept (part of an) offer: resources hoarded on one node for one group. */
export interface Hold {
  readonly id: number;
  readonly node: number;
  readonly resources: Resources;
  timer: EventId | undefined;
}

/** The mesos view of a group. */
export interface GroupState {
  readonly group: Group;
  readonly framework: number;
  readonly need: Resources;
  /** The members arrived so far (indices, in arrival order). */
  readonly arrivedMembers: number[];
  status: Status;
  holdNode: number;
  holds: Hold[];
  held: Resources;
  /** All members arrived and a framework decision since found it could not launch. */
  waiting: boolean;
  aborts: number;
}

export interface Framework {
  readonly id: number;
  /** Pending groups that hold nothing, oldest first: they want offers of any node. */
  readonly unbound: GroupState[];
  /** Per node: how many of its pending groups hoard there (it wants offers of those nodes). */
  readonly hoards: Uint32Array;
  /** How many nodes it hoards on (nodes with hoards > 0). */
  hoardNodeCount: number;
  /** Hoarding groups a member of which arrived since the last re-check. */
  rechecks: GroupState[];
  /** Offer batches (or, when empty, a re-check after an arrival) to answer in turn. */
  readonly work: OfferBatch[];
  busy: boolean;
  recheckQueued: boolean;
  /** Running + held + outstanding offers, for Dominant Resource Fairness. */
  alloc: Resources;
}


/**
 * Mesos offers GPUs as a scalar of whole devices (`gpus`; fractional GPUs are
 * refused by the master): a framework asks for ceil(milli / 1000) GPUs.
 */
export function wholeGpus(r: Resources): Resources {
  return r.gpu <= 0 || r.gpu % GPU_DEVICE === 0 ? r : { cpu: r.cpu, memory: r.memory, gpu: Math.ceil(r.gpu / GPU_DEVICE) * GPU_DEVICE };
}

/** How long a group aborted for the `aborts`-th time waits before it asks again: base x 2^(aborts - 1). */
export function abortBackoffSeconds(base: number, aborts: number): number {
  return base * 2 ** (aborts - 1);
}

export function position(list: readonly GroupState[], g: GroupState): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.group.index < g.group.index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertByIndex(list: GroupState[], g: GroupState): void {
  const i = position(list, g);
  if (list[i] !== g) list.splice(i, 0, g);
}

export function removeByIndex(list: GroupState[], g: GroupState): void {
  const i = position(list, g);
  if (list[i] === g) list.splice(i, 1);
}

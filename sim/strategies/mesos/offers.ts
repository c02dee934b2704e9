import type { Resources } from "../../model/resources.ts";
import type { OfferSet } from "./plan.ts";

/** Offers made to one framework in one round: nodes[i] offers amounts[3i..3i+2] (cpu, memory, gpu), locked until it answers. */
export interface OfferBatch extends OfferSet {
  readonly offeredAt: number;
  /**
   * OfferSink.hoardMarkings when the batch was made, if no node in it was
   * marked then (OfferSink.hoardMarks); -1 (or absent) when one was, or when
   * the round did not look. While the count stays the same, no node of the
   * batch is marked: no group hoards on any of them.
   */
  readonly markingsAt?: number;
}

/** Which nodes a framework wants offered: any node, or only the nodes it hoards on. */
export interface Interest {
  readonly anyNode: boolean;
  /** Per node: how many of its groups hoard there (more than 0: it wants the node offered). */
  readonly hoards: Uint32Array;
}

/** What the allocator needs from the frameworks. */
export interface OfferSink {
  readonly count: number;
  /** Whether framework f wants offers at all (it has pending groups). */
  wantsOffers(f: number): boolean;
  /** Which nodes framework f wants offered now. */
  interest(f: number): Interest;
  /** Framework f's allocation for DRF: running + held + offered. */
  allocation(f: number): Resources;
  /** A round's offers brought framework f's allocation to (cpu, memory, gpu): each offer added in turn. */
  allocated(f: number, cpu: number, memory: number, gpu: number): void;
  /** Per node, 1 where some framework hoards (0: every framework's `hoards` count there is 0); read only. */
  readonly hoardMarks: Uint8Array;
  /** How many times a node of `hoardMarks` went from 0 to 1 so far. */
  readonly hoardMarkings: number;
  /** Hands framework f the offers it got in one round. */
  deliver(f: number, batch: OfferBatch): void;
}

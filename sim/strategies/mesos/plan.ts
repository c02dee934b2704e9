import { type Resources } from "../../model/resources.ts";
import type { MesosParams } from "./params.ts";
import { Scratch } from "./scratch.ts";

/** What a framework knows of one of its groups when it decides. */
export interface GroupView {
  readonly index: number;
  readonly allArrived: boolean;
  /** The group's whole request. */
  readonly need: Resources;
  /** What it reserves for: the arrived members' need, or the whole need when declared. */
  readonly target: Resources;
  /** The node it hoards on, or -1. */
  readonly holdNode: number;
  readonly held: Resources;
  /** Nodes the group may use (its selector), or undefined for any node. */
  readonly mask?: Uint8Array | undefined;
}

/**
 * A batch of offers: `nodes[i]` offers `amounts[3i .. 3i + 2]` (cpu, memory,
 * gpu). Flat arrays, because a round can offer thousands of nodes.
 */
export interface OfferSet {
  readonly nodes: Int32Array;
  readonly amounts: Float64Array;
}

export function offerSet(offers: readonly { node: number; resources: Resources }[]): OfferSet {
  const amounts = new Float64Array(offers.length * 3);
  offers.forEach((o, i) => {
    amounts[3 * i] = o.resources.cpu;
    amounts[3 * i + 1] = o.resources.memory;
    amounts[3 * i + 2] = o.resources.gpu;
  });
  return { nodes: Int32Array.from(offers, (o) => o.node), amounts };
}

const scratch = new Scratch();
/** Look-ups of a node's slot in a batch done by scanning before the batch is indexed. */
const SCANNED_LOOKUPS = 64;

/**
 * Where a node is in a batch: found by a scan (a native indexOf over the
 * batch's node ids) for the first SCANNED_LOOKUPS look-ups, by an index built
 * once there are more. Building a Map of a batch costs about as much as a
 * hundred scans of it, and most decisions look up a few hoarders' nodes: at
 * 10,000 nodes x 100,000 groups, planning with an index built at the first
 * look-up took 0.86-0.89 s, with scans 0.22-0.27 s (an index after 8 look-ups:
 * 0.48-0.58 s).
 */
class BatchSlots {
  private lookups = 0;
  private index: Map<number, number> | undefined;

  constructor(private readonly nodes: Int32Array) {}

  of(node: number): number {
    if (this.index !== undefined) return this.index.get(node) ?? -1;
    if (++this.lookups <= SCANNED_LOOKUPS) return this.nodes.indexOf(node);
    const index = new Map<number, number>();
    this.nodes.forEach((n, i) => index.set(n, i));
    this.index = index;
    return index.get(node) ?? -1;
  }
}

export type Action =
  | { readonly kind: "launch"; readonly group: number; readonly node: number; readonly fromOffer: Resources }
  | { readonly kind: "hold"; readonly group: number; readonly node: number; readonly take: Resources };

function firstFit(avail: Float64Array, nodes: Int32Array, r: Resources, mask: Uint8Array | undefined): number {
  for (let i = 0; i < nodes.length; i++) {
    if (mask !== undefined && mask[nodes[i]!] !== 1) continue;
    if (r.cpu <= avail[3 * i]! && r.memory <= avail[3 * i + 1]! && r.gpu <= avail[3 * i + 2]!) return i;
  }
  return -1;
}

/**
 * A framework's answer to a batch of offers (possibly empty: a member of a
 * hoarding group arrived). Groups are considered oldest first:
 * - a hoarding group looks only at its own node: it launches there when all
 *   its members have arrived and what it holds plus the offer fits its need,
 *   otherwise it keeps (more of) the offer: all of it (whole-offer) or up to
 *   its target (exact);
 * - a group that holds nothing launches on the first offer (of a node its
 *   selector allows) that fits its
 *   whole need once all members have arrived; otherwise it starts hoarding on
 *   the first offer that fits its target.
 * Whatever no action takes is declined. Pure.
 */
export function planDecision(groups: readonly GroupView[], offers: OfferSet, hold: MesosParams["hold"]): Action[] {
  // What is left of each offer as actions take from it (offers.nodes.length slots are used).
  const avail = scratch.take(offers.amounts.length, offers.amounts);
  const slots = new BatchSlots(offers.nodes);
  const take = (i: number, cpu: number, memory: number, gpu: number): void => {
    avail[3 * i]! -= cpu;
    avail[3 * i + 1]! -= memory;
    avail[3 * i + 2]! -= gpu;
  };
  const actions: Action[] = [];
  for (const g of groups) {
    if (g.holdNode >= 0) {
      const i = slots.of(g.holdNode);
      const oc = i < 0 ? 0 : avail[3 * i]!;
      const om = i < 0 ? 0 : avail[3 * i + 1]!;
      const og = i < 0 ? 0 : avail[3 * i + 2]!;
      const mc = Math.max(0, g.need.cpu - g.held.cpu);
      const mm = Math.max(0, g.need.memory - g.held.memory);
      const mg = Math.max(0, g.need.gpu - g.held.gpu);
      if (g.allArrived && mc <= oc && mm <= om && mg <= og) {
        actions.push({ kind: "launch", group: g.index, node: g.holdNode, fromOffer: { cpu: mc, memory: mm, gpu: mg } });
        if (i >= 0) take(i, mc, mm, mg);
      } else if (i >= 0) {
        const t =
          hold === "exact"
            ? {
                cpu: Math.min(oc, Math.max(0, g.target.cpu - g.held.cpu)),
                memory: Math.min(om, Math.max(0, g.target.memory - g.held.memory)),
                gpu: Math.min(og, Math.max(0, g.target.gpu - g.held.gpu)),
              }
            : { cpu: oc, memory: om, gpu: og };
        if (t.cpu > 0 || t.memory > 0 || t.gpu > 0) {
          actions.push({ kind: "hold", group: g.index, node: g.holdNode, take: t });
          take(i, t.cpu, t.memory, t.gpu);
        }
      }
      continue;
    }
    if (g.allArrived) {
      const i = firstFit(avail, offers.nodes, g.need, g.mask);
      if (i >= 0) {
        actions.push({ kind: "launch", group: g.index, node: offers.nodes[i]!, fromOffer: g.need });
        take(i, g.need.cpu, g.need.memory, g.need.gpu);
        continue;
      }
    }
    if (g.target.cpu === 0 && g.target.memory === 0 && g.target.gpu === 0) continue;
    const i = firstFit(avail, offers.nodes, g.target, g.mask);
    if (i < 0) continue;
    const t = hold === "exact" ? g.target : { cpu: avail[3 * i]!, memory: avail[3 * i + 1]!, gpu: avail[3 * i + 2]! };
    actions.push({ kind: "hold", group: g.index, node: offers.nodes[i]!, take: t });
    take(i, t.cpu, t.memory, t.gpu);
  }
  return actions;
}

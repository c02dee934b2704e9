import { fitsIn, isZero, min, sub, subClamped, ZERO, type Resources } from "../../model/resources.ts";
import type { MesosParams } from "./params.ts";

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
}

/** An offer of a node's resources, as the framework sees it. */
export interface OfferView {
  readonly node: number;
  readonly resources: Resources;
}

export type Action =
  | { readonly kind: "launch"; readonly group: number; readonly node: number; readonly fromOffer: Resources }
  | { readonly kind: "hold"; readonly group: number; readonly node: number; readonly take: Resources };

/**
 * A framework's answer to a batch of offers (possibly empty: a member of a
 * hoarding group arrived). Groups are considered oldest first:
 * - a hoarding group looks only at its own node: it launches there when all
 *   its members have arrived and what it holds plus the offer fits its need,
 *   otherwise it keeps (more of) the offer: all of it (whole-offer) or up to
 *   its target (exact);
 * - a group that holds nothing launches on the first offer that fits its
 *   whole need once all members have arrived; otherwise it starts hoarding on
 *   the first offer that fits its target.
 * Whatever no action takes is declined. Pure.
 */
export function planDecision(groups: readonly GroupView[], offers: readonly OfferView[], hold: MesosParams["hold"]): Action[] {
  const avail = offers.map((o) => o.resources);
  const at = new Map<number, number>();
  offers.forEach((o, i) => at.set(o.node, i));
  const actions: Action[] = [];
  for (const g of groups) {
    if (g.holdNode >= 0) {
      const i = at.get(g.holdNode);
      const offered = i === undefined ? ZERO : avail[i]!;
      const missing = subClamped(g.need, g.held);
      if (g.allArrived && fitsIn(missing, offered)) {
        actions.push({ kind: "launch", group: g.index, node: g.holdNode, fromOffer: missing });
        if (i !== undefined) avail[i] = sub(offered, missing);
      } else if (i !== undefined) {
        const take = hold === "exact" ? min(offered, subClamped(g.target, g.held)) : offered;
        if (!isZero(take)) {
          actions.push({ kind: "hold", group: g.index, node: g.holdNode, take });
          avail[i] = sub(offered, take);
        }
      }
      continue;
    }
    if (g.allArrived) {
      const i = avail.findIndex((a) => fitsIn(g.need, a));
      if (i >= 0) {
        actions.push({ kind: "launch", group: g.index, node: offers[i]!.node, fromOffer: g.need });
        avail[i] = sub(avail[i]!, g.need);
        continue;
      }
    }
    if (isZero(g.target)) continue;
    const i = avail.findIndex((a) => fitsIn(g.target, a));
    if (i < 0) continue;
    const take = hold === "exact" ? g.target : avail[i]!;
    actions.push({ kind: "hold", group: g.index, node: offers[i]!.node, take });
    avail[i] = sub(avail[i]!, take);
  }
  return actions;
}

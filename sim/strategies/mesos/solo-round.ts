import type { Resources } from "../../model/resources.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { DrfRound } from "./choice.ts";
import { reachesMinOffer } from "./filters.ts";
import type { RoundBatches } from "./scratch.ts";
import { NodeFlag } from "./node-list.ts";

/**
 * An offer round's loop in the usual case (DrfRound.openSolo: one framework,
 * `solo`, wants any node and set no filter since it revived; the others want
 * only their hoard nodes). A node no other framework hoards on goes to solo
 * without a comparison; solo's offers are added to its DRF allocation in one
 * go (`counted` of them so far) before any comparison and at the end. Each
 * visited node stops being a candidate; each one reaching the minimum offer
 * (`minOffer`: its thresholds, minOfferThresholds) is offered whole.
 */
export function offerSolo(
  cluster: Cluster,
  drf: DrfRound,
  batches: RoundBatches,
  flags: Uint8Array,
  minOffer: Resources,
  now: number,
  solo: number,
  nodes: Int32Array,
): void {
  const { freeCpu, freeMemory, freeGpu } = cluster;
  const size = batches.size;
  const others = drf.othersHoards;
  // (Usually one other framework: its counts read straight.)
  const first = others.length > 0 ? others[0] : undefined;
  const { cpu: mc, memory: mm, gpu: mg } = minOffer;
  let counted = 0;
  for (let v = 0; v < nodes.length; v++) {
    const node = nodes[v]!;
    flags[node]! &= ~NodeFlag.Candidate;
    const cpu = freeCpu[node]!;
    const memory = freeMemory[node]!;
    const gpu = freeGpu[node]!;
    if (!reachesMinOffer(cpu, memory, gpu, mc, mm, mg)) continue;
    let best = solo;
    let hoarded = first !== undefined && first[node]! > 0;
    for (let k = 1; k < others.length && !hoarded; k++) hoarded = others[k]![node]! > 0;
    if (hoarded) {
      drf.offeredAll(solo, batches.existing(solo)?.amounts, counted, size[solo]!);
      // Solo may always be offered the node (it set no filter), so someone is.
      best = drf.compare(node, now, cpu, memory, gpu);
      drf.offered(best, cpu, memory, gpu);
      counted = size[solo]! + (best === solo ? 1 : 0);
    }
    cluster.allocateValues(node, cpu, memory, gpu);
    batches.add(best, node, cpu, memory, gpu);
  }
  drf.offeredAll(solo, batches.existing(solo)?.amounts, counted, size[solo]!);
}

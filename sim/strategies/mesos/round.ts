import type { Cluster } from "../../model/cluster.ts";
import type { Resources } from "../../model/resources.ts";
import type { DrfRound } from "./choice.ts";
import type { FilterKernel } from "./filter-kernel.ts";
import { reachesMinOffer, type Wanting } from "./filters.ts";
import { NodeFlag, parkNode, type NodeList } from "./node-list.ts";
import type { Interest } from "./offers.ts";
import type { RoundBatches } from "./scratch.ts";

/** What an offer round's loop reads and writes besides the cluster: the allocator's per-node state and the round's choice and batches. */
export interface RoundState {
  readonly drf: DrfRound;
  readonly batches: RoundBatches;
  readonly flags: Uint8Array;
  readonly parked: NodeList;
  /** The minimum offer's thresholds (minOfferThresholds). */
  readonly minOffer: Resources;
}

/**
 * An offer round's loop over every visited node, where offerSolo's case
 * does not hold (Allocator.offerRound). Each node stops being a candidate;
 * one reaching the minimum offer goes, whole, to the framework DrfRound
 * chooses (node scope), or to the cell's framework (`cell`: the framework
 * first in DRF order and its interest) if it wants the node; a node no
 * framework takes is parked unless it is. In the node scope the stretches
 * between hoarded nodes run in `kernel` (WebAssembly) where its arrays lie
 * in the arena, the frameworks that want any node (`wanting`'s) chosen
 * among as DrfRound does; their nodes are allocated after each stretch
 * (Cluster.allocateAll): nothing in a stretch reads another node.
 */
export function offerEach(
  cluster: Cluster,
  r: RoundState,
  nodes: Int32Array,
  now: number,
  wanting: readonly Wanting[],
  cell: { readonly framework: number; readonly interest: Interest | undefined } | undefined,
  kernel: FilterKernel | undefined,
): void {
  const { freeCpu, freeMemory, freeGpu } = cluster;
  const { drf, batches, flags, parked } = r;
  const { cpu: mc, memory: mm, gpu: mg } = r.minOffer;
  const frameworks = cell === undefined && kernel !== undefined ? kernel.prepareRound(wanting, drf, batches, nodes) : undefined;
  // Per framework, how much of its batch is allocated (the kernel's stretches leave their nodes to allocate after).
  const size = batches.size;
  const allocatedTo = Uint32Array.from(size);
  for (let v = 0; v < nodes.length; v++) {
    if (frameworks !== undefined) {
      v = kernel!.round(nodes, v, nodes.length, frameworks, now, drf, batches, parked);
      drf.allocationsChanged();
      for (let f = 0; f < size.length; f++) {
        const from = allocatedTo[f]!;
        const to = size[f]!;
        if (to === from) continue;
        const batch = batches.existing(f)!;
        cluster.allocateAll(batch.nodes.subarray(from, to), batch.amounts.subarray(3 * from, 3 * to), to - from);
        allocatedTo[f] = to;
      }
      if (v >= nodes.length) break;
    }
    const node = nodes[v]!;
    flags[node]! &= ~NodeFlag.Candidate;
    const cpu = freeCpu[node]!;
    const memory = freeMemory[node]!;
    const gpu = freeGpu[node]!;
    if (!reachesMinOffer(cpu, memory, gpu, mc, mm, mg)) continue;
    let best: number;
    if (cell === undefined) best = drf.choose(node, now, cpu, memory, gpu);
    // The cell's framework takes only the nodes it wants (drf.choose checks them in the node scope).
    else best = cell.interest !== undefined && (cell.interest.anyNode || cell.interest.hoards[node]! > 0) ? cell.framework : -1;
    if (best < 0) {
      if (!(flags[node]! & NodeFlag.Parked)) parkNode(flags, parked, node);
      continue;
    }
    cluster.allocateValues(node, cpu, memory, gpu);
    // The framework's share grows before the next node is placed.
    drf.offered(best, cpu, memory, gpu);
    batches.add(best, node, cpu, memory, gpu);
    allocatedTo[best] = size[best]!;
  }
  if (frameworks !== undefined) for (const w of wanting) if (w.anyNode) batches.dropEmpty(w.f);
}

import type { Cluster } from "../../model/cluster.ts";
import type { Resources } from "../../model/resources.ts";
import type { FilterKernel } from "./filter-kernel.ts";
import { mayOffer, reachesMinOffer, wantedAt, wantedNodes, type Wanting } from "./filters.ts";
import { NodeFlag, parkNode, type NodeList } from "./node-list.ts";

const { Candidate, Parked } = NodeFlag;

/** The allocator's per-node state a settle reads and writes. */
export interface SettleLists {
  readonly flags: Uint8Array;
  readonly candidates: NodeList;
  readonly parked: NodeList;
  /** The hoard marks (OfferSink.hoardMarks), zero hoard counts, and the minimum offer's thresholds (minOfferThresholds). */
  readonly marks: Uint8Array;
  readonly noHoards: Uint32Array;
  readonly minOffer: Resources;
}

/**
 * The allocator's look at each of nodes[0..count) after unpark
 * (Allocator.changedAll, which says why): a node that some framework in
 * `wanting` may be offered becomes a candidate, any other reaching the
 * minimum offer is parked; with `filtersEnded` and no framework wanting
 * any node, only hoarded or down nodes are looked at. The stretches
 * between hoarded nodes run in `kernel` (WebAssembly) where their arrays
 * lie in the arena; the hoarded nodes, and every node without the kernel,
 * in the loop here.
 */
export function settleAll(cluster: Cluster, lists: SettleLists, wanting: readonly Wanting[], nodes: Int32Array, count: number, filtersEnded: boolean, now: number, kernel: FilterKernel | undefined): void {
  const { freeCpu, freeMemory, freeGpu, up } = cluster;
  // (A node that no wanting framework wants at all is not asked of each: most nodes, usually.)
  const { anyNode, first, second, rest } = wantedNodes(wanting, lists.noHoards);
  const { flags: nodeFlags, candidates, parked, marks } = lists;
  const { cpu: mc, memory: mm, gpu: mg } = lists.minOffer;
  const onlyHoards = filtersEnded && !anyNode;
  const prepared = kernel?.prepare(wanting, nodes, candidates);
  for (let i = 0; i < count; i++) {
    if (prepared !== undefined) {
      i = kernel!.settle(nodes, i, count, candidates, parked, prepared, now, anyNode, onlyHoards);
      if (i >= count) break;
    }
    const node = nodes[i]!;
    const mayWant = marks[node] === 1 ? wantedAt(node, anyNode, first, second, rest) : anyNode;
    if (onlyHoards && up[node] === 1 && !mayWant) continue;
    const flags = nodeFlags[node]! & ~Parked;
    nodeFlags[node] = flags;
    if (flags & Candidate) continue;
    const cpu = freeCpu[node]!;
    const memory = freeMemory[node]!;
    const gpu = freeGpu[node]!;
    if (!reachesMinOffer(cpu, memory, gpu, mc, mm, mg)) continue;
    let wanted = false;
    for (let k = 0; k < wanting.length && mayWant && !wanted; k++) {
      const w = wanting[k]!;
      wanted = mayOffer(w, node, now, cpu, memory, gpu);
    }
    if (wanted) {
      nodeFlags[node] = flags | Candidate;
      candidates.push(node);
    } else parkNode(nodeFlags, parked, node);
  }
}

/**
 * A list of node ids in a typed array as large as the cluster: pushing never
 * grows it and emptying it makes no garbage (the allocator's candidate and
 * parked lists change by thousands of nodes per round). The caller keeps a
 * node in it at most once.
 */
export class NodeList {
  readonly items: Int32Array;
  length = 0;

  /** `items`: where the list is kept (an array as large as the cluster: the offer kernel reads one in the arena). */
  constructor(capacity: number, items: Int32Array = new Int32Array(capacity)) {
    this.items = items;
  }

  push(node: number): void {
    this.items[this.length++] = node;
  }
}

/**
 * The allocator's flags for a node, bits of one byte per node (one load
 * where three arrays took three, in loops over thousands of nodes):
 * Candidate, in the candidate list; Parked, no framework may be offered it
 * as things stand; Listed, in the parked list (Parked may be clear there:
 * the node changed since, and leaves at the next unpark).
 */
export const NodeFlag = { Candidate: 1, Parked: 2, Listed: 4 } as const;

/** Parks the node: Parked and Listed set, and into the parked list unless it is still there (a node parked again before it left the list keeps its place: the first entry is the one that counts). */
export function parkNode(flags: Uint8Array, parked: NodeList, node: number): void {
  const f = flags[node]!;
  flags[node] = f | NodeFlag.Parked | NodeFlag.Listed;
  if (!(f & NodeFlag.Listed)) parked.push(node);
}

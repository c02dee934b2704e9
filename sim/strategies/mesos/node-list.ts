/**
 * A list of node ids in a typed array as large as the cluster: pushing never
 * grows it and emptying it makes no garbage (the allocator's candidate and
 * parked lists change by thousands of nodes per round). The caller keeps a
 * node in it at most once.
 */
export class NodeList {
  readonly items: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
  }

  push(node: number): void {
    this.items[this.length++] = node;
  }
}

/** A set of node ids, in no particular order, to walk without looking at every node: add and delete in constant time. */
export class NodeSet {
  readonly items: Int32Array;
  length = 0;
  /** Per node: its index in items, or -1 when absent. */
  private readonly at: Int32Array;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
    this.at = new Int32Array(capacity).fill(-1);
  }

  /** The nodes with a count above 0. */
  static ofCounts(counts: ArrayLike<number>): NodeSet {
    const set = new NodeSet(counts.length);
    for (let node = 0; node < counts.length; node++) if (counts[node]! > 0) set.add(node);
    return set;
  }

  has(node: number): boolean {
    return this.at[node]! >= 0;
  }

  add(node: number): void {
    if (this.at[node]! >= 0) return;
    this.at[node] = this.length;
    this.items[this.length++] = node;
  }

  delete(node: number): void {
    const i = this.at[node]!;
    if (i < 0) return;
    const last = this.items[--this.length]!;
    this.items[i] = last;
    this.at[last] = i;
    this.at[node] = -1;
  }
}

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

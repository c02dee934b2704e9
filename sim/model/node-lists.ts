/** What NodeLists needs of an item (a task, a bound Pod): the node it is on, and two links it owns. */
export interface OnNode {
  readonly node: number;
  /** Its neighbours on the node (NodeLists' own fields: nothing else reads or writes them). */
  prevOnNode: OnNode | undefined;
  nextOnNode: OnNode | undefined;
}

/**
 * What is on each node (the lifecycle's live tasks, kube's bound Pods), in
 * the order it was added: a doubly linked list per node threaded through the
 * items themselves, so adding and removing one is a few stores (a Map of Sets
 * hashed on every start and end). An item must keep its node while listed.
 */
export class NodeLists<T extends OnNode> {
  private readonly head: (T | undefined)[];
  private readonly tail: (T | undefined)[];

  constructor(nodes: number) {
    this.head = new Array<T | undefined>(nodes).fill(undefined);
    this.tail = new Array<T | undefined>(nodes).fill(undefined);
  }

  /** Adds an item at the end of its node's list; one listed already stays where it is. */
  add(item: T): void {
    if (item.prevOnNode !== undefined || this.head[item.node] === item) return;
    const last = this.tail[item.node];
    item.prevOnNode = last;
    item.nextOnNode = undefined;
    if (last === undefined) this.head[item.node] = item;
    else last.nextOnNode = item;
    this.tail[item.node] = item;
  }

  /** Removes an item; one not listed (never added, or removed already) is left alone. */
  remove(item: T): void {
    const { prevOnNode: prev, nextOnNode: next } = item;
    if (prev === undefined && this.head[item.node] !== item) return;
    if (prev === undefined) this.head[item.node] = next as T | undefined;
    else prev.nextOnNode = next;
    if (next === undefined) this.tail[item.node] = prev as T | undefined;
    else next.prevOnNode = prev;
    item.prevOnNode = undefined;
    item.nextOnNode = undefined;
  }

  /** What is on the node, in the order it was added (a copy: the caller may remove items as it goes). */
  on(node: number): T[] {
    const out: T[] = [];
    for (let t = this.head[node]; t !== undefined; t = t.nextOnNode as T | undefined) out.push(t);
    return out;
  }
}

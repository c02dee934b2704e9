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
  add(task: T): void {
    if (task.prevOnNode !== undefined || this.head[task.node] === task) return;
    const last = this.tail[task.node];
    task.prevOnNode = last;
    task.nextOnNode = undefined;
    if (last === undefined) this.head[task.node] = task;
    else last.nextOnNode = task;
    this.tail[task.node] = task;
  }

  /** Removes an item; one not listed (never added, or removed already) is left alone. */
  remove(task: T): void {
    const { prevOnNode: prev, nextOnNode: next } = task;
    if (prev === undefined && this.head[task.node] !== task) return;
    if (prev === undefined) this.head[task.node] = next as T | undefined;
    else prev.nextOnNode = next;
    if (next === undefined) this.tail[task.node] = prev as T | undefined;
    else next.prevOnNode = prev;
    task.prevOnNode = undefined;
    task.nextOnNode = undefined;
  }

  /** What is on the node, in the order it was added (a copy: the caller may remove items as it goes). */
  on(node: number): T[] {
    const out: T[] = [];
    for (let t = this.head[node]; t !== undefined; t = t.nextOnNode as T | undefined) out.push(t);
    return out;
  }
}

/** What NodeTasks needs of a task: the node it runs on, and two links it owns. */
export interface NodeLinked {
  readonly node: number;
  /** The neighbours among the node's tasks (NodeTasks' own fields: nothing else reads or writes them). */
  prevOnNode: NodeLinked | undefined;
  nextOnNode: NodeLinked | undefined;
}

/**
 * The live tasks of each node, in the order they started: a doubly linked
 * list per node threaded through the tasks themselves, so adding and
 * removing a task is a few stores (a Map of Sets hashed on every task start
 * and end).
 */
export class NodeTasks<T extends NodeLinked> {
  private readonly head: (T | undefined)[];
  private readonly tail: (T | undefined)[];

  constructor(nodes: number) {
    this.head = new Array<T | undefined>(nodes).fill(undefined);
    this.tail = new Array<T | undefined>(nodes).fill(undefined);
  }

  add(task: T): void {
    const last = this.tail[task.node];
    task.prevOnNode = last;
    task.nextOnNode = undefined;
    if (last === undefined) this.head[task.node] = task;
    else last.nextOnNode = task;
    this.tail[task.node] = task;
  }

  /** Removes a task added before (and not removed since). */
  remove(task: T): void {
    const { prevOnNode: prev, nextOnNode: next } = task;
    if (prev === undefined) this.head[task.node] = next as T | undefined;
    else prev.nextOnNode = next;
    if (next === undefined) this.tail[task.node] = prev as T | undefined;
    else next.prevOnNode = prev;
    task.prevOnNode = undefined;
    task.nextOnNode = undefined;
  }

  /** The node's tasks, in the order they were added (a copy: the caller may remove tasks as it goes). */
  on(node: number): T[] {
    const out: T[] = [];
    for (let t = this.head[node]; t !== undefined; t = t.nextOnNode as T | undefined) out.push(t);
    return out;
  }
}

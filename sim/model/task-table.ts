import { widened } from "./widened.ts";

/** The end of a list. */
export const END = -1;

/**
 * The lifecycle's live tasks, in typed arrays: a slot per live task (the
 * slot of an ended task is taken by the next task started), each group's
 * tasks and each node's tasks in start order as lists linked through the
 * slots. An object per task, an array per group and links between task
 * objects made every start and end a few cache misses and a write barrier
 * into objects long promoted to the old generation; this is none of that.
 */
export class TaskTable {
  /** Per slot (arrays replaced as the table grows): the task's id (dense from 0, as the log writes it), group, node, members, first member and GPU device handle. */
  id: Int32Array = new Int32Array(0);
  group: Int32Array = new Int32Array(0);
  node: Int32Array = new Int32Array(0);
  members: Int32Array = new Int32Array(0);
  first: Int32Array = new Int32Array(0);
  gpuHandle: Int32Array = new Int32Array(0);
  /** Per slot: the task's request. */
  cpu: Float64Array = new Float64Array(0);
  memory: Float64Array = new Float64Array(0);
  gpu: Float64Array = new Float64Array(0);
  /** Per slot: the next task of its group (or, for a free slot, the next free slot), and its neighbours on its node. */
  private nextOfGroup: Int32Array = new Int32Array(0);
  private nextOnNode: Int32Array = new Int32Array(0);
  private prevOnNode: Int32Array = new Int32Array(0);
  private readonly groupHead: Int32Array;
  private readonly groupTail: Int32Array;
  private readonly nodeHead: Int32Array;
  private readonly nodeTail: Int32Array;
  private freeSlots = END;
  private used = 0;

  constructor(groups: number, nodes: number, slots = 1024) {
    this.resize(slots);
    this.groupHead = new Int32Array(groups).fill(END);
    this.groupTail = new Int32Array(groups).fill(END);
    this.nodeHead = new Int32Array(nodes).fill(END);
    this.nodeTail = new Int32Array(nodes).fill(END);
  }

  /** Adds a task at the end of its group's and its node's lists; returns its slot. */
  add(id: number, group: number, node: number, members: number, first: number, cpu: number, memory: number, gpu: number, gpuHandle: number): number {
    const s = this.take();
    this.id[s] = id;
    this.group[s] = group;
    this.node[s] = node;
    this.members[s] = members;
    this.first[s] = first;
    this.gpuHandle[s] = gpuHandle;
    this.cpu[s] = cpu;
    this.memory[s] = memory;
    this.gpu[s] = gpu;
    this.nextOfGroup[s] = END;
    const last = this.groupTail[group]!;
    if (last === END) this.groupHead[group] = s;
    else this.nextOfGroup[last] = s;
    this.groupTail[group] = s;
    const onNode = this.nodeTail[node]!;
    this.prevOnNode[s] = onNode;
    this.nextOnNode[s] = END;
    if (onNode === END) this.nodeHead[node] = s;
    else this.nextOnNode[onNode] = s;
    this.nodeTail[node] = s;
    return s;
  }

  /** The group's first task (END: none); `next(s)` walks on in start order. */
  firstOf(group: number): number {
    return this.groupHead[group]!;
  }

  next(s: number): number {
    return this.nextOfGroup[s]!;
  }

  /** The tasks on a node, in start order (slots; a copy, so the caller may end tasks as it goes). */
  on(node: number): number[] {
    const out: number[] = [];
    for (let s = this.nodeHead[node]!; s !== END; s = this.nextOnNode[s]!) out.push(s);
    return out;
  }

  /**
   * Takes the group's tasks whose first member is in [from, to) (all, by
   * default) out of its list, the rest staying in order; returns the first
   * of them, linked in start order through `next`. Each is still on its node
   * until `free`d: read `next(s)` before freeing s.
   */
  detach(group: number, from = 0, to = Number.MAX_SAFE_INTEGER): number {
    let head = END;
    let tail = END;
    let kept = END;
    let s = this.groupHead[group]!;
    this.groupHead[group] = END;
    while (s !== END) {
      const next = this.nextOfGroup[s]!;
      this.nextOfGroup[s] = END;
      const first = this.first[s]!;
      if (first >= from && first < to) {
        if (tail === END) head = s;
        else this.nextOfGroup[tail] = s;
        tail = s;
      } else {
        if (kept === END) this.groupHead[group] = s;
        else this.nextOfGroup[kept] = s;
        kept = s;
      }
      s = next;
    }
    this.groupTail[group] = kept;
    return head;
  }

  /** A detached task has ended: it leaves its node, and its slot is free for the next task. */
  free(s: number): void {
    this.leaveNode(s);
    this.nextOfGroup[s] = this.freeSlots;
    this.freeSlots = s;
  }

  private leaveNode(s: number): void {
    const prev = this.prevOnNode[s]!;
    const next = this.nextOnNode[s]!;
    const node = this.node[s]!;
    if (prev === END) this.nodeHead[node] = next;
    else this.nextOnNode[prev] = next;
    if (next === END) this.nodeTail[node] = prev;
    else this.prevOnNode[next] = prev;
  }

  private take(): number {
    if (this.freeSlots !== END) {
      const s = this.freeSlots;
      this.freeSlots = this.nextOfGroup[s]!;
      return s;
    }
    if (this.used === this.id.length) this.resize(this.id.length * 2);
    return this.used++;
  }

  /** Every per-slot array at `size` slots, keeping what they hold. */
  private resize(size: number): void {
    this.id = widened(this.id, size);
    this.group = widened(this.group, size);
    this.node = widened(this.node, size);
    this.members = widened(this.members, size);
    this.first = widened(this.first, size);
    this.gpuHandle = widened(this.gpuHandle, size);
    this.cpu = widened(this.cpu, size);
    this.memory = widened(this.memory, size);
    this.gpu = widened(this.gpu, size);
    this.nextOfGroup = widened(this.nextOfGroup, size);
    this.nextOnNode = widened(this.nextOnNode, size);
    this.prevOnNode = widened(this.prevOnNode, size);
  }
}

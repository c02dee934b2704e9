import type { NodeArena } from "../../model/node-arena.ts";

/**
 * A reusable Float64Array for work that ends before the next use (one
 * decision's arithmetic on a batch of offers): allocating a typed array per
 * batch of thousands of offers cost more than the arithmetic. `take(n)` gives
 * a buffer of at least n values, the first n holding `from` (n values) when
 * given, the rest unspecified; it stays valid until the next take.
 */
export class Scratch {
  private buffer = new Float64Array(64);

  take(n: number, from?: ArrayLike<number>): Float64Array {
    if (this.buffer.length < n) this.buffer = new Float64Array(Math.max(n, 2 * this.buffer.length));
    if (from !== undefined) this.buffer.set(from);
    return this.buffer;
  }
}

/**
 * Node id buffers as long as the cluster, lent and given back, for lists
 * that outlive a call (a refuse filter's expiry reads its nodes seconds
 * later): a fresh copy of each decline's thousands of nodes cost more than
 * the copy itself (an ArrayBuffer each, 9 us a decline on OpenB).
 */
export class NodeBuffers {
  private readonly free: Int32Array[] = [];

  constructor(private readonly nodes: number) {}

  /** A buffer (from the pool, or new) with room for every node. */
  take(): Int32Array {
    return this.free.pop() ?? new Int32Array(this.nodes);
  }

  /** Gives back a buffer `take` lent; it must not be read after. */
  give(buffer: Int32Array): void {
    this.free.push(buffer);
  }
}

/** One lent pair of batch buffers: node ids, and (cpu, memory, gpu) per node. */
export interface BatchBuffer {
  readonly nodes: Int32Array;
  readonly amounts: Float64Array;
}

/**
 * Buffers for offer batches, each with room for a whole cluster's offers
 * (a node id and 3 values per node), lent and given back: a batch lives from
 * its round until its framework answers, and a round makes one per framework
 * it offers to. Only a buffer out on loan is taken back, once.
 */
export class BatchBuffers {
  private readonly free: BatchBuffer[] = [];
  /** The lent buffers (a few: one per framework with a batch out). Buffers in the arena share its memory, so a view is matched by memory and offset. */
  private readonly lent: BatchBuffer[] = [];

  /** New buffers are laid out in `arena`, where given, while it has room (the offer kernel writes them there). */
  constructor(
    private readonly nodes: number,
    private readonly arena?: NodeArena,
  ) {}

  take(): BatchBuffer {
    const n = this.nodes;
    const buffer = this.free.pop() ?? { nodes: this.arena?.i32(n) ?? new Int32Array(n), amounts: this.arena?.f64(3 * n) ?? new Float64Array(3 * n) };
    this.lent.push(buffer);
    return buffer;
  }

  /** Gives back the buffers under a batch's `amounts` (views of ones lent by this pool; anything else is left alone). */
  give(amounts: Float64Array): void {
    const i = this.lent.findIndex((b) => b.amounts.buffer === amounts.buffer && b.amounts.byteOffset === amounts.byteOffset);
    if (i < 0) return;
    const buffer = this.lent[i]!;
    this.lent.splice(i, 1);
    this.free.push(buffer);
  }
}

/**
 * One round's offer batches, one per framework that gets a node, written
 * in offer order into buffers lent by a BatchBuffers pool (taken at a
 * framework's first node).
 */
export class RoundBatches {
  private readonly batches: (BatchBuffer | undefined)[];
  /** How many nodes each framework's batch holds this round. */
  readonly size: Uint32Array;

  /** `arena`: where the sizes are laid out, where given (the filter kernel's round appends to the batches). */
  constructor(
    frameworks: number,
    private readonly pool: BatchBuffers,
    arena?: NodeArena,
  ) {
    this.batches = new Array<BatchBuffer | undefined>(frameworks).fill(undefined);
    this.size = arena?.u32(frameworks) ?? new Uint32Array(frameworks);
  }

  /** A new round: no batches. */
  begin(): void {
    this.batches.fill(undefined);
    this.size.fill(0);
  }

  /** Framework f's batch (taken from the pool if it has none yet): a loop may write nodes at `size[f]` on, then move `size[f]` past them. */
  of(f: number): BatchBuffer {
    return this.batches[f] ?? (this.batches[f] = this.pool.take());
  }

  /** Gives back framework f's batch if it holds no node (taken ahead of a loop that then offered it none). */
  dropEmpty(f: number): void {
    const batch = this.batches[f];
    if (batch === undefined || this.size[f] !== 0) return;
    this.pool.give(batch.amounts);
    this.batches[f] = undefined;
  }

  /** Framework f's batch if it has one. */
  existing(f: number): BatchBuffer | undefined {
    return this.batches[f];
  }

  /** The nodes offered this round, in all batches. */
  total(): number {
    let n = 0;
    for (let f = 0; f < this.size.length; f++) n += this.size[f]!;
    return n;
  }

  /** Appends `node` offering (cpu, memory, gpu) to framework f's batch. */
  add(f: number, node: number, cpu: number, memory: number, gpu: number): void {
    const batch = this.of(f);
    const k = this.size[f]!++;
    batch.nodes[k] = node;
    const amounts = batch.amounts;
    amounts[3 * k] = cpu;
    amounts[3 * k + 1] = memory;
    amounts[3 * k + 2] = gpu;
  }
}

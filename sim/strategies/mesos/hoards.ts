import type { Cluster } from "../../model/cluster.ts";
import { add, sub, ZERO, type Resources } from "../../model/resources.ts";
import type { OfferBatch } from "./offers.ts";
import type { Waiter } from "./deadlock.ts";
import { removeByIndex, type Framework, type GroupState } from "./state.ts";

/**
 * Where groups hoard, as book-keeping: each node's holder set, each
 * framework's hoard counts, and what offers delivered but not yet answered
 * lock on each node. What a hold does to the cluster, the log and the
 * framework's queue is the strategy's (mesos.ts).
 */
export class Hoards {
  /** Per node: the groups hoarding there, or undefined when none (an array by node, read per offered node). */
  private readonly holders: (Set<GroupState> | undefined)[];
  /**
   * Per node: 1 while it has a holder set, that is, while some framework's
   * hoard count there is above 0 (0: every framework's count there is 0).
   * A byte per node, read first by loops over thousands of nodes in place of
   * each framework's counts (which take four bytes a node each). Read only.
   */
  readonly marks: Uint8Array;
  /** Per node: how many offers delivered but not yet answered hold it. */
  private readonly unanswered: Uint32Array;
  /** The offers delivered but not yet answered, whose amounts `offeredOn` sums when asked. */
  private readonly outstanding = new Set<OfferBatch>();
  /** offeredOn's sums per node (cpu, memory, gpu), valid while `summed` (no offer delivered or answered since). */
  private sums: Float64Array | undefined;
  private summed = false;
  /** How many times a node was marked (see `markings`). */
  private marked = 0;
  /** How many nodes have a holder set. */
  private hoardedNodes = 0;

  /** `marks`: zeroed, one per node (the offer kernel reads them in the cluster's arena). */
  constructor(nodes: number, marks: Uint8Array = new Uint8Array(nodes)) {
    this.holders = new Array<Set<GroupState> | undefined>(nodes);
    this.marks = marks;
    this.unanswered = new Uint32Array(nodes);
  }

  /** Whether some group hoards on the node (it has a holder set: unbind drops an emptied one). */
  hoarded(node: number): boolean {
    return this.marks[node] === 1;
  }

  /** How many times a node was marked (went from 0 to 1): a node unmarked when this read n is unmarked while it still reads n. */
  get markings(): number {
    return this.marked;
  }

  /** How many nodes some group hoards on (0: no node need be asked `hoarded`). */
  get nodeCount(): number {
    return this.hoardedNodes;
  }

  /** The groups hoarding on the node, in the order they began. */
  holdersOn(node: number): Iterable<GroupState> {
    return this.holders[node] ?? [];
  }

  /**
   * Pushes to `out` framework f's groups that hoard on nodes of `offers`, in
   * the offers' order. Thousands of offered nodes are not looked at when f
   * hoards nowhere, or when no node of the batch was marked as it was made
   * and none was marked since (`markingsAt`); a node without a mark is not
   * asked f's count.
   */
  pushHoardersOn(f: Framework, offers: OfferBatch, out: GroupState[]): void {
    if (f.hoardNodeCount === 0 || offers.markingsAt === this.markings) return;
    const { marks } = this;
    for (let i = 0; i < offers.nodes.length; i++) {
      const node = offers.nodes[i]!;
      if (marks[node] === 0 || f.hoards[node] === 0) continue;
      for (const g of this.holdersOn(node)) if (g.framework === f.id) out.push(g);
    }
  }

  /** Group g of framework f starts hoarding on `node`: it leaves f's groups that hold nothing. */
  bind(f: Framework, g: GroupState, node: number): void {
    removeByIndex(f.unbound, g);
    g.holdNode = node;
    if (f.hoards[node]!++ === 0) f.hoardNodeCount++;
    (this.holders[node] ??= new Set()).add(g);
    if (this.marks[node] === 0) {
      this.hoardedNodes++;
      this.marked++;
    }
    this.marks[node] = 1;
  }

  /** Group g of framework f no longer hoards: it holds nothing, and waits for nothing. */
  unbind(f: Framework, g: GroupState): void {
    const node = g.holdNode;
    if (--f.hoards[node]! === 0) f.hoardNodeCount--;
    const holders = this.holders[node];
    holders?.delete(g);
    // An empty set is dropped: a node is hoarded exactly when it has one.
    if (holders?.size === 0) {
      this.holders[node] = undefined;
      this.marks[node] = 0;
      this.hoardedNodes--;
    }
    g.holds = [];
    g.held = ZERO;
    g.holdNode = -1;
    g.waiting = false;
  }

  /** The groups waiting on `node`: all members arrived, holding there, unable to launch. */
  waitersOn(node: number): Waiter[] {
    const out: Waiter[] = [];
    for (const g of this.holdersOn(node)) if (g.waiting) out.push({ index: g.group.index, need: g.need, held: g.held });
    return out;
  }

  /**
   * The batch is delivered (sign 1) or answered (sign -1). Only a count per
   * node is kept as offers come and go: the amounts are summed when asked.
   */
  track(batch: OfferBatch, sign: 1 | -1): void {
    if (sign === 1) this.outstanding.add(batch);
    else this.outstanding.delete(batch);
    this.summed = false;
    const u = this.unanswered;
    const nodes = batch.nodes;
    for (let i = 0; i < nodes.length; i++) u[nodes[i]!]! += sign;
  }

  /** What unanswered offers lock on the node: summed over them (for the validating observer and tests; not a hot path). */
  offeredOn(node: number): Resources {
    if (this.unanswered[node] === 0) return ZERO;
    const sums = (this.sums ??= new Float64Array(3 * this.unanswered.length));
    if (!this.summed) {
      sums.fill(0);
      for (const { nodes, amounts } of this.outstanding) {
        for (let i = 0; i < nodes.length; i++) {
          const n = nodes[i]!;
          sums[3 * n]! += amounts[3 * i]!;
          sums[3 * n + 1]! += amounts[3 * i + 1]!;
          sums[3 * n + 2]! += amounts[3 * i + 2]!;
        }
      }
      this.summed = true;
    }
    return { cpu: sums[3 * node]!, memory: sums[3 * node + 1]!, gpu: sums[3 * node + 2]! };
  }

  /**
   * Whether no offer of `node` can come while only its waiters hold there: it
   * is up, its free resources are below the minimum offer (`offerable` false),
   * nothing runs on it and no offer of it is unanswered, and every group
   * holding there waits.
   */
  starvedOn(node: number, cluster: Cluster, offerable: (node: number) => boolean): boolean {
    if (cluster.up[node] === 0 || offerable(node)) return false;
    let held = ZERO;
    for (const g of this.holdersOn(node)) {
      if (!g.waiting) return false;
      held = add(held, g.held);
    }
    if (this.unanswered[node] !== 0) return false; // an unanswered offer comes back, and the node is looked at again
    const busy = sub(sub(cluster.capacity(node), cluster.free(node)), held);
    return busy.cpu <= 1e-9 && busy.memory <= 1e-9 && busy.gpu <= 1e-9;
  }
}

import { widened } from "../../model/widened.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";
import type { CsvBytes } from "../csv-bytes.ts";
import { csvField } from "../csv.ts";
import { GroupNodes } from "./group-nodes.ts";

/** nameLength of a node not written yet, and of one whose name a CSV field must quote. */
const UNKNOWN = -1;
const QUOTED = -2;
const SEMICOLON = Uint8Array.of(0x3b);
const ENCODER = new TextEncoder();

/**
 * groups.csv's `nodes` column: each group's nodes (indices into the run's
 * cluster), written as their names joined by ";". Kept as node indices
 * rather than a joined string per group: a split group of naive's names
 * three or four nodes, and the strings were made, joined and copied again
 * to be written. Each node name is encoded once; a line gets its names'
 * bytes. A name that a CSV field must quote makes the group's field go
 * through CsvBytes.string whole, as the joined text would.
 */
export class NodeColumn {
  private readonly lists: GroupNodes;
  /**
   * Node names as UTF-8, each encoded once when first written, in one buffer
   * (10,000 small arrays of their own cost a look-up through each one's
   * backing store per name): node k's at names[nameAt[k] ..
   * nameAt[k] + nameLength[k]). nameLength[k] is UNKNOWN until then, and
   * QUOTED for a name a CSV field must quote.
   */
  private names = new Uint8Array(1 << 12);
  private namesUsed = 0;
  private nameAt = new Int32Array(0);
  private nameLength = new Int32Array(0);

  constructor(
    length: number,
    private readonly name: (node: number) => string,
    memory: ColumnMemory = FRESH,
  ) {
    this.lists = new GroupNodes(length, memory);
  }

  /** Group g's nodes, in order (set once per group). */
  set(g: number, nodes: readonly number[]): void {
    this.lists.set(g, nodes);
  }

  /** Group g's field as text: its nodes' names joined by ";" ("" for none). */
  text(g: number): string {
    const lists = this.lists;
    const n = lists.length(g);
    if (n === 1) return this.name(lists.node(g, 0));
    const names: string[] = [];
    for (let i = 0; i < n; i++) names.push(this.name(lists.node(g, i)));
    return names.join(";");
  }

  /** Group g's field as CSV bytes: the bytes of out.string(text(g)). */
  write(g: number, out: CsvBytes): void {
    const lists = this.lists;
    const n = lists.length(g);
    for (let i = 0; i < n; i++) {
      if (this.encoded(lists.node(g, i)) === QUOTED) {
        out.string(this.text(g));
        return;
      }
    }
    const { names, nameAt, nameLength } = this;
    for (let i = 0; i < n; i++) {
      if (i > 0) out.slice(SEMICOLON, 0, 1);
      const node = lists.node(g, i);
      out.slice(names, nameAt[node]!, nameLength[node]!);
    }
  }

  /** The length of the node's name in bytes (encoding it if it is new), or QUOTED when a CSV field must quote it. */
  private encoded(node: number): number {
    if (node >= this.nameLength.length) {
      const size = Math.max(node + 1, 2 * this.nameLength.length);
      this.nameAt = widened(this.nameAt, size);
      this.nameLength = widened(this.nameLength, size, UNKNOWN);
    }
    const known = this.nameLength[node]!;
    if (known !== UNKNOWN) return known;
    const name = this.name(node);
    if (csvField(name) !== name) return (this.nameLength[node] = QUOTED);
    if (this.namesUsed + 3 * name.length > this.names.length) {
      const names = new Uint8Array(Math.max(2 * this.names.length, this.namesUsed + 3 * name.length));
      names.set(this.names.subarray(0, this.namesUsed));
      this.names = names;
    }
    const written = ENCODER.encodeInto(name, this.names.subarray(this.namesUsed)).written;
    this.nameAt[node] = this.namesUsed;
    this.namesUsed += written;
    return (this.nameLength[node] = written);
  }
}

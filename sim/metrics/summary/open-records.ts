import { FRESH, type ColumnMemory } from "../column-memory.ts";

/** The open deadlocks (or stalls) of a run as its log unfolds: which one each group is in. */
export class OpenRecords {
  /** Per group: the open record it is in, or -1. */
  private readonly of: Int32Array;
  private readonly members = new Map<number, number[]>();

  constructor(groups: number, memory: ColumnMemory = FRESH) {
    this.of = memory.i32(groups).fill(-1);
  }

  join(group: number, id: number): void {
    this.of[group] = id;
    const list = this.members.get(id) ?? [];
    list.push(group);
    this.members.set(id, list);
  }

  leave(group: number, id: number): void {
    if (this.of[group] === id) this.of[group] = -1;
  }

  end(id: number): void {
    for (const group of this.members.get(id) ?? []) if (this.of[group] === id) this.of[group] = -1;
    this.members.delete(id);
  }

  isIn(group: number): boolean {
    return this.of[group]! >= 0;
  }
}

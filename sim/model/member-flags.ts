import type { Group } from "./group.ts";
import { memberCount } from "./group-store.ts";

/**
 * One flag per member of every group, in one typed array (group g's members
 * at offset[g] ..): what a typed array per group held, without the tens of
 * bytes of object each of those costs at hundreds of thousands of groups.
 */
export class MemberFlags {
  private readonly offset: Uint32Array;
  private readonly flags: Uint8Array;

  constructor(groups: readonly Group[]) {
    this.offset = new Uint32Array(groups.length + 1);
    // memberCount: a stored group's count from its columns, without building (and keeping) its members.
    for (let g = 0; g < groups.length; g++) this.offset[g + 1] = this.offset[g]! + memberCount(groups[g]!);
    this.flags = new Uint8Array(this.offset[groups.length]!);
  }

  has(group: number, member: number): boolean {
    return this.flags[this.offset[group]! + member] === 1;
  }

  set(group: number, member: number): void {
    this.flags[this.offset[group]! + member] = 1;
  }

  /** Clears every flag of the group. */
  clear(group: number): void {
    this.flags.fill(0, this.offset[group]!, this.offset[group + 1]!);
  }
}

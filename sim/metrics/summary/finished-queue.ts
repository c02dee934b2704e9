/**
 * Groups in the order their GroupFinish entries were read: a queue of group
 * indices in one typed array, which reuses its front or doubles when full.
 */
export class FinishedQueue {
  private items: Int32Array;
  private head = 0;
  private tail = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(16, capacity));
  }

  get empty(): boolean {
    return this.head === this.tail;
  }

  push(g: number): void {
    if (this.tail === this.items.length) {
      if (this.head > 0) this.items.copyWithin(0, this.head, this.tail);
      else {
        const items = new Int32Array(2 * this.items.length);
        items.set(this.items);
        this.items = items;
      }
      this.tail -= this.head;
      this.head = 0;
    }
    this.items[this.tail++] = g;
  }

  /** The group at the front (the queue is not empty). */
  peek(): number {
    return this.items[this.head]!;
  }

  shift(): number {
    return this.items[this.head++]!;
  }
}

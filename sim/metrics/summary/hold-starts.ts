import { widened } from "../../model/widened.ts";

/**
 * While the log is replayed: the log index of the HoldStart of each hold
 * still in place, by hold id, in a typed array rather than a Map (mesos
 * logs a hold for most groups). Hold ids are dense from 0 in a run: the
 * strategies number their holds in turn.
 */
export class HoldStarts {
  private at = new Int32Array(1024).fill(-1);

  /** Hold `id` started at log index i. */
  start(id: number, i: number): void {
    if (!(Number.isInteger(id) && id >= 0)) throw new Error(`summary: hold id ${id} is not a count from 0`);
    if (id >= this.at.length) this.at = widened(this.at, Math.max(this.at.length * 2, id + 1), -1);
    this.at[id] = i;
  }

  /** Hold `id` ended: the log index where it started (-1 if it was not in place). */
  end(id: number): number {
    const i = id >= 0 && id < this.at.length ? this.at[id]! : -1;
    if (i >= 0) this.at[id] = -1;
    return i;
  }

  /** The log indices where the holds still in place started, in the order of their ids (the order they started). */
  open(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.at.length; id++) if (this.at[id]! >= 0) out.push(this.at[id]!);
    return out;
  }
}

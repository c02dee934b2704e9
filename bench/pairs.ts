/** What alternated pairs of two timed runs found. */
export interface Paired<T> {
  /** Each side's median run, by wall time. */
  readonly a: T;
  readonly b: T;
  /** Per pair: b's wall time over a's, in the order the pairs ran. */
  readonly ratios: readonly number[];
  /** The median of those ratios. */
  readonly median: number;
}

const medianBy = <T>(xs: readonly T[], key: (x: T) => number): T => [...xs].sort((x, y) => key(x) - key(y))[Math.floor(xs.length / 2)]!;

/**
 * Runs `a` and `b` in `pairs` alternated pairs (a then b, then b then a, and
 * so on) and takes each pair's ratio of b's wall time to a's. Both sides of a
 * pair see the machine at the same moment: a budget that is a ratio of two
 * commands is then not decided by a slow phase of the machine (minutes long
 * on the shared machine this was written on) that fell on one side's runs
 * only, as it could when each side ran its runs in a row.
 */
export function alternatedPairs<T extends { readonly wall_s: number }>(pairs: number, a: () => T, b: () => T): Paired<T> {
  if (!(Number.isInteger(pairs) && pairs >= 1)) throw new Error(`alternatedPairs: pairs must be a whole number >= 1, got ${pairs}`);
  const as: T[] = [];
  const bs: T[] = [];
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    let ra: T;
    let rb: T;
    if (p % 2 === 0) {
      ra = a();
      rb = b();
    } else {
      rb = b();
      ra = a();
    }
    as.push(ra);
    bs.push(rb);
    ratios.push(rb.wall_s / ra.wall_s);
  }
  return { a: medianBy(as, (r) => r.wall_s), b: medianBy(bs, (r) => r.wall_s), ratios, median: medianBy(ratios, (x) => x) };
}

/**
 * Runs every job `rounds` times, in rounds (one run of each job per round,
 * in list order), and gives each job's run of median wall time with the wall
 * times of all its runs. Interleaved, a slow phase of the machine (minutes
 * long on the shared machine this was written on) spreads over the jobs
 * instead of deciding one of them, as it could with one timing of each.
 */
export function interleavedMedians<T extends { readonly wall_s: number }>(rounds: number, jobs: readonly (() => T)[]): { readonly median: T; readonly walls: readonly number[] }[] {
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`interleavedMedians: rounds must be a whole number >= 1, got ${rounds}`);
  const runs: T[][] = jobs.map(() => []);
  for (let r = 0; r < rounds; r++) jobs.forEach((job, j) => runs[j]!.push(job()));
  return runs.map((rs) => ({ median: medianBy(rs, (x) => x.wall_s), walls: rs.map((x) => x.wall_s) }));
}

/**
 * A copy of `a` grown to `size` entries, the new ones `fill` (0 by default):
 * how a table kept in typed arrays makes room when it is full (amortised by
 * doubling `size`, so never on a per-event path).
 */
export function widened(a: Int32Array, size: number, fill?: number): Int32Array<ArrayBuffer>;
export function widened(a: Float64Array, size: number, fill?: number): Float64Array<ArrayBuffer>;
export function widened(a: Int32Array | Float64Array, size: number, fill = 0): Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> {
  if (size < a.length) throw new Error(`widened: ${size} entries cannot hold ${a.length}`);
  const b = a instanceof Int32Array ? new Int32Array(size) : new Float64Array(size);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

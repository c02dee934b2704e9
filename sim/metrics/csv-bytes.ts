import { csvField, formatNumber } from "./csv.ts";

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const POINT = 0x2e;

/**
 * CSV written as UTF-8 bytes into one growable buffer, field by field: the
 * bytes of the text csvField gives (test/csv.test.ts holds the two equal on
 * hostile values), without a string per field or per line. A table of
 * 100,000 rows was ~4.5 million field strings joined into lines, then
 * encoded; here a whole number is written digit by digit, a text of ASCII
 * character by character, and only other numbers go through formatNumber.
 * The caller appends a chunk of lines, takes `view()`, and `reset()`s.
 */
export class CsvBytes {
  private buffer = new Uint8Array(1 << 16);
  private used = 0;

  /** The bytes written since the last reset (valid until the next write). */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }

  reset(): void {
    this.used = 0;
  }

  /** Bytes written since the last reset. */
  get size(): number {
    return this.used;
  }

  /** The field separator. */
  comma(): void {
    if (this.used === this.buffer.length) this.grow(1);
    this.buffer[this.used++] = COMMA;
  }

  /** The record delimiter. */
  newline(): void {
    if (this.used === this.buffer.length) this.grow(1);
    this.buffer[this.used++] = NEWLINE;
  }

  /** Bytes made once (a field written on every line), as they are. */
  raw(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.grow(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** `length` bytes of `bytes` from `from` (a few: a node's name), as they are, copied by hand (TypedArray#set costs a builtin call). */
  slice(bytes: Uint8Array, from: number, length: number): void {
    if (this.used + length > this.buffer.length) this.grow(length);
    const b = this.buffer;
    const at = this.used - from;
    for (let i = from, end = from + length; i < end; i++) b[at + i] = bytes[i]!;
    this.used += length;
  }

  /** formatNumber(x) as bytes: a whole number from 0 to 2^31 - 1 digit by digit, a fraction mostly too (`fraction`). */
  number(x: number): void {
    // (-0 | 0) is 0, which equals -0: written "0", as String(-0) is.
    const n = x | 0;
    if (n === x && n >= 0) this.whole(n);
    else if (x === x) this.other(x); // NaN is an empty field
  }

  /** n (0 <= n < 2^31) in decimal digits. */
  private whole(n: number): void {
    if (this.used + 10 > this.buffer.length) this.grow(10);
    const b = this.buffer;
    const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    let at = this.used + digits;
    this.used = at;
    do {
      const q = (n / 10) | 0;
      b[--at] = ZERO + n - 10 * q;
      n = q;
    } while (n > 0);
  }

  /** A number other than NaN and a whole one from 0 to 2^31 - 1: a fraction in fixed notation (`fraction`), else as formatNumber writes it. */
  private other(x: number): void {
    if (Number.isInteger(x) || !this.fraction(x)) this.text(formatNumber(x));
  }

  /**
   * A number that is not whole, from 1e-6 to 1e11 in size, in fixed
   * notation from its 12 significant digits, as formatNumber writes it:
   * toPrecision(12)'s digits, less trailing zeros. The digits are the
   * number scaled by a power of ten (exact up to 10^22) and rounded: the
   * scaled value is below 10^12 < 2^40, so the product is within 2^-14 of
   * the exact one, and only a fraction within 0.001 of one half leaves the
   * rounding in doubt. Returns false, writing nothing, for such a number and
   * any outside the range (formatNumber writes those).
   */
  private fraction(x: number): boolean {
    const a = x < 0 ? -x : x;
    if (!(a >= 1e-6 && a < 1e11)) return false;
    // The decimal exponent of the first significant digit, from the binary one (its floor times log10(2)):
    // at most one below it, and corrected below when it is.
    BITS[0] = a;
    let e = Math.floor((((WORDS[HIGH]! >>> 20) & 0x7ff) - 1023) * Math.LOG10E * Math.LN2);
    for (let tries = 0; tries < 2; tries++) {
      if (e < -7 || e > 10) return false;
      const scaled = a * POW10[11 - e]!;
      const whole = Math.floor(scaled);
      const f = scaled - whole;
      if (f > 0.499 && f < 0.501) return false;
      const n = f > 0.5 ? whole + 1 : whole;
      if (n < 1e11) e--;
      else if (n >= 1e12) e++;
      else if (e < -6) return false;
      else {
        this.fixed(x < 0, n, e);
        return true;
      }
    }
    return false;
  }

  /**
   * -?d.ddd of the 12 digits of n (10^11 <= n < 10^12), the first one at
   * 10^e (-6 <= e <= 10), less trailing zeros: each digit written once, in
   * its place, from the last; the zeros then trimmed back to the point, and
   * the point with them if nothing follows it (the first digit is never 0).
   */
  private fixed(negative: boolean, n: number, e: number): void {
    if (this.used + 20 > this.buffer.length) this.grow(20);
    const b = this.buffer;
    let at = this.used;
    if (negative) b[at++] = 0x2d; // "-"
    let point: number;
    let end: number;
    if (e >= 0) {
      point = at + e + 1;
      end = at + 13;
    } else {
      b[at] = ZERO;
      point = at + 1;
      for (let z = point + 1; z < point - e; z++) b[z] = ZERO;
      end = point - e + 12;
    }
    b[point] = POINT;
    // Two digits at a time from each half of six (int32s): the quotient by 100 as the product by 0.01
    // truncated, which is exact below 2^31 (the double 0.01 is a little above 1/100, and the product of
    // a multiple of 100 rounds to its integer).
    const top = Math.floor(n / 1e6);
    let low = (n - top * 1e6) | 0;
    let place = end - 1;
    for (let k = 0; k < 6; k++) {
      if (k === 3) low = top | 0;
      const q = (low * 0.01) | 0;
      const r = low - 100 * q;
      b[place--] = ONES[r]!;
      if (place === point) place--;
      b[place--] = TENS[r]!;
      if (place === point) place--;
      low = q;
    }
    while (b[end - 1] === ZERO) end--;
    if (b[end - 1] === POINT) end--;
    this.used = end;
  }

  /** A string field as csvField writes it: as it is when it is ASCII with no quote, comma, CR or LF; else quoted where it must be, and encoded. */
  string(s: string): void {
    if (!this.copied(s, true)) this.text(csvField(s));
  }

  /** Text already in CSV form (quoted where it must be), as UTF-8. */
  text(s: string): void {
    if (!this.copied(s, false)) this.utf8(s);
  }

  /**
   * Copies s as it is when every character is ASCII (and, with `plain`, none
   * a quote, comma, CR or LF), looked at as it is copied; returns false,
   * keeping nothing, at the first that is not.
   */
  private copied(s: string, plain: boolean): boolean {
    const n = s.length;
    if (this.used + n > this.buffer.length) this.grow(n);
    const b = this.buffer;
    let at = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || (plain && (c === 0x22 || c === COMMA || c === NEWLINE || c === 0x0d))) return false;
      b[at++] = c;
    }
    this.used = at;
    return true;
  }

  /** Text with characters beyond ASCII: encoded whole (up to 3 bytes per UTF-16 unit). */
  private utf8(s: string): void {
    if (this.used + 3 * s.length > this.buffer.length) this.grow(3 * s.length);
    this.used += ENCODER.encodeInto(s, this.buffer.subarray(this.used)).written;
  }

  /** Room for `n` more bytes: the buffer doubles (at least) and keeps what it holds. */
  private grow(n: number): void {
    const next = new Uint8Array(Math.max(2 * this.buffer.length, this.used + n));
    next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }
}

const ENCODER = new TextEncoder();
/** The ASCII tens and ones digits of 0 .. 99. */
const TENS = Uint8Array.from({ length: 100 }, (_, r) => ZERO + Math.floor(r / 10));
const ONES = Uint8Array.from({ length: 100 }, (_, r) => ZERO + (r % 10));
/** 10^0 .. 10^18, each exact. */
const POW10 = Float64Array.from({ length: 19 }, (_, k) => Number(`1e${k}`));
/** A double's bits: BITS[0] written, its sign, exponent and high mantissa bits read in WORDS[HIGH]. */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** A field's bytes made once (one written on every line: the run's id, scenario, strategy, seed, a sweep's values). */
export function fieldBytes(value: unknown): Uint8Array {
  return ENCODER.encode(csvField(value));
}

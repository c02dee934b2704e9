import { closeSync, openSync, readSync, statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { CsvError, parse } from "csv-parse/sync";
import { InputError } from "./errors.ts";
import { assertFile } from "./files.ts";

const CHUNK = 1 << 16;
/** The longest line a trace or sample file may have: a longer one is not the file the user meant. */
export const MAX_LINE = 1 << 20;

export interface CsvRecord {
  readonly fields: readonly string[];
  /** 1-based line number where the record ends. */
  readonly lineNo: number;
}

/**
 * Streams the records of a CSV file with csv-parse, without holding the whole
 * file: the text is cut after the last line break outside quotes of each
 * chunk, and each piece is parsed whole (so work stays linear in the file's
 * size). A leading byte-order mark is dropped; LF or CRLF; blank lines are
 * skipped. A line longer than `maxLine` characters, or malformed CSV, is bad
 * input naming the file and line.
 */
export function* readCsvRecords(file: string, maxLine = MAX_LINE): Generator<CsvRecord> {
  assertFile(file);
  const { size, mtimeMs } = statSync(file);
  const key = `${size}:${mtimeMs}:${maxLine}`;
  const hit = recent.get(file);
  if (hit !== undefined && hit.key === key) {
    yield* hit.records;
    return;
  }
  const records: CsvRecord[] | undefined = size <= CACHE_MAX_BYTES ? [] : undefined;
  for (const record of parseFile(file, maxLine)) {
    records?.push(record);
    yield record;
  }
  // Read to the end without error: kept for the next run of the same file (its other strategies and seeds).
  if (records === undefined) return;
  recent.delete(file);
  recent.set(file, { key, records });
  while (recent.size > CACHE_FILES) recent.delete(recent.keys().next().value!);
}

/**
 * The records of the files read last (at most CACHE_FILES, each at most
 * CACHE_MAX_BYTES), by path, with the size and modification time they had:
 * a command that runs one trace under several strategies or seeds parses it
 * once per thread. A file changed since is read again. The size cap keeps
 * what a long-lived sweep worker holds small (parsed records take several
 * times the file's bytes); OpenB's pod list is 0.6 MB.
 */
const recent = new Map<string, { key: string; records: readonly CsvRecord[] }>();
const CACHE_FILES = 2;
const CACHE_MAX_BYTES = 4 << 20;

function* parseFile(file: string, maxLine: number): Generator<CsvRecord> {
  const fd = openSync(file, "r");
  const buffer = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder("utf8");
  let pending = ""; // text after the last cut
  let scanned = 0; // how much of `pending` the quote scan has seen
  let inQuotes = false;
  let line = 0; // lines before `pending`
  let first = true;
  const parsePiece = function* (text: string): Generator<CsvRecord> {
    const plain = plainLines(text);
    if (plain !== undefined) {
      yield* plainRecords(text, plain, line);
      line += plain.lines;
      return;
    }
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(text, { info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof records;
    } catch (err) {
      if (err instanceof CsvError) {
        const at = line + Math.max(1, Number((err as unknown as { lines?: number }).lines) || 1);
        throw new InputError(`${file}:${at}: malformed CSV: ${err.message.replace(/ at line \d+/, "")}`);
      }
      throw err;
    }
    for (const r of records) yield { fields: r.record, lineNo: line + r.info.lines };
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) line++;
  };
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      const text = read === 0 ? decoder.end() : decoder.write(buffer.subarray(0, read));
      pending += first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      if (text.length > 0) first = false;
      let cut = -1;
      for (let i = scanned; i < pending.length; i++) {
        const c = pending.charCodeAt(i);
        if (c === 34) inQuotes = !inQuotes;
        else if (c === 10 && !inQuotes) cut = i;
      }
      scanned = pending.length;
      if (cut >= 0) {
        yield* parsePiece(pending.slice(0, cut + 1));
        pending = pending.slice(cut + 1);
        scanned = pending.length;
      }
      if (pending.length > maxLine) {
        throw new InputError(`${file}:${line + 1}: line longer than ${maxLine >= 1 << 20 ? `${maxLine / (1 << 20)} MB` : `${maxLine} characters`} (expected CSV rows; is this the right file?)`);
      }
      if (read === 0) break;
    }
    if (pending.length > 0) yield* parsePiece(pending);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether csv-parse's reading of `text` is plain splitting: no quote
 * character, and every line ends with LF, or every one with CRLF (csv-parse
 * takes the first line's ending for all). Returns the line ending's length
 * and the number of line breaks, or undefined for anything else (csv-parse
 * reads it). Traces are usually plain: OpenB's pod list is read in ~50 ms
 * so in a fresh thread, against ~150 ms through csv-parse.
 */
export function plainLines(text: string): { eol: 1 | 2; lines: number } | undefined {
  if (text.indexOf('"') >= 0) return undefined;
  const cr = text.indexOf("\r");
  let lines = 0;
  if (cr < 0) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
    return { eol: 1, lines };
  }
  // CRLF throughout: every CR followed by LF, every LF preceded by CR.
  for (let i = cr; i >= 0; i = text.indexOf("\r", i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return undefined;
    lines++;
  }
  let lf = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lf++;
  return lf === lines ? { eol: 2, lines } : undefined;
}

/** The records of a plain text (see plainLines): its non-empty lines split at commas, numbered from `before` + 1. */
export function* plainRecords(text: string, plain: { eol: 1 | 2 }, before: number): Generator<CsvRecord> {
  let start = 0;
  let lineNo = before;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    const stop = plain.eol === 2 && end < text.length ? end - 1 : end;
    if (stop > start) yield { fields: text.slice(start, stop).split(","), lineNo };
    start = end + 1;
  }
}

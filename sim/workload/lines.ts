import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { assertFile } from "./files.ts";

const CHUNK = 1 << 16;

/**
 * Reads a text file line by line without holding the whole file in memory:
 * yields each line (without its line break, LF or CRLF) and its 1-based
 * number. A leading byte-order mark is dropped.
 */
export function* readLines(file: string): Generator<{ line: string; lineNo: number }> {
  assertFile(file);
  const fd = openSync(file, "r");
  const buffer = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNo = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      let text = carry + decoder.write(buffer.subarray(0, read));
      if (lineNo === 0 && carry === "" && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield { line: text.slice(start, end), lineNo: ++lineNo };
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    const rest = carry + decoder.end();
    if (rest.length > 0) yield { line: rest.endsWith("\r") ? rest.slice(0, -1) : rest, lineNo: ++lineNo };
  } finally {
    closeSync(fd);
  }
}

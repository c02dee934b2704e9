import { readFileSync, statSync } from "node:fs";
import { InputError } from "./errors.ts";
import { assertCleanJsonKeys } from "./json-keys.ts";

/** Throws an InputError unless `file` is an existing regular file: not missing, not a directory. */
export function assertFile(file: string, what = "file"): void {
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${file}: no such ${what}` : `${file}: cannot read the ${what} (${code ?? String(err)})`);
  }
  if (stat.isDirectory()) throw new InputError(`${file}: is a directory (expected a ${what})`);
  if (!stat.isFile()) throw new InputError(`${file}: not a regular file (expected a ${what})`);
}

/** Reads a UTF-8 text file, dropping a byte-order mark. */
export function readText(file: string, what = "file"): string {
  assertFile(file, what);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(`${file}: cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses JSON text from `file`; a syntax error becomes an InputError naming
 * the file, line and column. Empty files and truncated JSON say so.
 */
export function parseJsonText(file: string, text: string, expected = "a JSON object"): unknown {
  if (text.trim() === "") throw new InputError(`${file}: empty file (expected ${expected})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    const token = /^Unexpected token '(.)'/.exec(message);
    let pos = at ? Number(at[1]) : token ? firstOutsideStrings(text, token[1]!) : undefined;
    const detail = token
      ? `unexpected character '${token[1]}'`
      : /after JSON/.test(message)
        ? "unexpected text after the end of the JSON value"
        : message.replace(/ in JSON at position \d+.*$/s, "");
    let what = `malformed JSON: ${detail}`;
    if (/end of JSON input/.test(message) || (pos !== undefined && pos >= text.trimEnd().length)) {
      pos = text.trimEnd().length;
      what = "truncated JSON (unexpected end of file)";
    } else if (token && /^-?(NaN|Infinity)/.test(text.slice(pos ?? 0))) {
      what = "malformed JSON: NaN and Infinity are not JSON numbers (expected a finite number)";
    }
    if (pos === undefined || pos < 0) throw new InputError(`${file}: ${what}`);
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    throw new InputError(`${file}:${line}:${column}: ${what}`);
  }
  assertCleanJsonKeys(file, text);
  return value;
}

/** Index of the first `ch` outside JSON strings, or -1. */
function firstOutsideStrings(text: string, ch: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ch) return i;
  }
  return -1;
}

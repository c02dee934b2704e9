import { InputError } from "./errors.ts";

/** Keys that could reach Object.prototype through a path or a merge: refused everywhere input is read. */
export const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/** Throws (through `bad`) if an object parsed from input has a forbidden key anywhere. */
export function assertSafeKeys(value: unknown, bad: (why: string) => Error, path = "$"): void {
  if (Array.isArray(value)) value.forEach((v, i) => assertSafeKeys(v, bad, `${path}[${i}]`));
  else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw bad(`${path}: the key "${key}" is not allowed`);
      assertSafeKeys((value as Record<string, unknown>)[key], bad, `${path}.${key}`);
    }
  }
}

/**
 * Checks JSON text that JSON.parse accepted for what it silently allows: the
 * same key twice in one object (JSON.parse keeps the last) and forbidden
 * keys. Errors name the file, line and column of the key.
 */
export function assertCleanJsonKeys(file: string, text: string): void {
  /** Open containers, innermost last: an object's keys so far and whether a key comes next. */
  const open: { object: boolean; keys: Set<string>; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "{" || c === "[") open.push({ object: c === "{", keys: new Set(), expectKey: c === "{" });
    else if (c === "}" || c === "]") open.pop();
    else if (c === ",") {
      const top = open.at(-1);
      if (top?.object) top.expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = open.at(-1);
      if (top?.object && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const where = () => {
          const before = text.slice(0, i);
          return `${file}:${before.split("\n").length}:${i - before.lastIndexOf("\n")}`;
        };
        if (FORBIDDEN_KEYS.has(key)) throw new InputError(`${where()}: the key "${key}" is not allowed`);
        if (top.keys.has(key)) throw new InputError(`${where()}: duplicate key "${key}" in one object (JSON would silently keep the last)`);
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    }
  }
}

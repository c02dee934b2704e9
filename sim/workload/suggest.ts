import type * as z from "zod";

/**
 * The closest of `candidates` to `word`, when close enough to be a likely
 * typo (same letters up to case, or an edit distance of at most a third of
 * the word's length, at least 1, at most 3); else undefined.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbouring letters counting as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps defaults, optionals, pipes and lazies down to the schema that parses the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (let s = schema, i = 0; i < 32; i++) {
    const def = defOf(s);
    const next = def.innerType ?? def.in ?? def.getter?.();
    if (next === undefined) return s;
    s = next;
  }
  return schema;
}

/** The field names of the object schema that `raw` at `path` is validated against (unions resolved by the data). */
export function knownKeys(root: z.ZodType, raw: unknown, path: readonly PropertyKey[]): string[] {
  let schemas = [unwrap(root)];
  let value = raw;
  const step = (s: z.ZodType, key: PropertyKey): z.ZodType[] => {
    const def = defOf(s);
    if (def.type === "object" && def.shape !== undefined && typeof key === "string" && key in def.shape) return [unwrap(def.shape[key]!)];
    if (def.type === "array" && def.element !== undefined) return [unwrap(def.element)];
    if (def.type === "record" && def.valueType !== undefined) return [unwrap(def.valueType)];
    return [];
  };
  const branches = (s: z.ZodType, v: unknown): z.ZodType[] => {
    const def = defOf(s);
    if (def.type !== "union" || def.options === undefined) return [s];
    const options = def.options.map(unwrap).flatMap((o) => branches(o, v));
    // Prefer the branches whose literal fields (a discriminator such as `type`) match the data.
    const matching = options.filter((o) => {
      const shape = defOf(o).shape;
      if (shape === undefined || typeof v !== "object" || v === null) return false;
      return Object.entries(shape).some(([k, f]) => {
        const fd = defOf(unwrap(f)) as Def & { values?: unknown[] };
        return fd.type === "literal" && fd.values?.includes((v as Record<string, unknown>)[k]);
      });
    });
    return matching.length > 0 ? matching : options;
  };
  schemas = schemas.flatMap((s) => branches(s, value));
  for (const key of path) {
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key as string] : undefined;
    schemas = schemas.flatMap((s) => step(s, key)).flatMap((s) => branches(s, value));
  }
  const keys = new Set<string>();
  for (const s of schemas) for (const k of Object.keys(defOf(s).shape ?? {})) keys.add(k);
  return [...keys];
}

/**
 * Bad input from a user: a scenario file, a trace row, a flag. The CLI prints
 * its message on one line and exits with code 2.
 */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** Formats a JSON path like $.workload.groups[0].members[1].request. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += `.${String(key)}`;
  }
  return out;
}

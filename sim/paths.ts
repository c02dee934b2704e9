import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * cosched's own folder (where package.json, scenarios/ and bin/ are), found
 * from this module's location, so it is the same whether the sources run
 * through tsx or bundled into dist/.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "cosched") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find cosched's package.json above its sources");
    dir = up;
  }
}

export const ROOT = findRoot();
/** The shipped scenarios (and scenarios/sweeps/). */
export const SCENARIO_DIR = join(ROOT, "scenarios");

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
}

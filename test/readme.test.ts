import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BLOCKS, quoted } from "../results/readme-blocks.ts";

// README blocks that quote command output are regenerated here and must match (npm run results rewrites them).
const README = readFileSync(resolve(import.meta.dirname, "../README.md"), "utf8");

describe("README examples that quote command output are what the commands print", () => {
  it.each(Object.keys(BLOCKS))("%s", (name) => {
    const text = quoted(README, name);
    expect(text, `README.md has no block ${name}`).toBeDefined();
    expect(text).toBe(BLOCKS[name]!());
  });
});

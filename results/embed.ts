// Puts results/default/summary.txt into the README between its results markers, and regenerates the
// README blocks that quote command output (results/readme-blocks.ts). Part of `npm run results`.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { replaceBetween } from "./markers.ts";
import { refreshed } from "./readme-blocks.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = join(root, "README.md");
const summary = readFileSync(join(root, "results/default/summary.txt"), "utf8").trimEnd();
const text = readFileSync(readme, "utf8");
writeFileSync(readme, refreshed(replaceBetween(text, "<!-- results:summary:start -->", "<!-- results:summary:end -->", `\`\`\`\n${summary}\n\`\`\``)));

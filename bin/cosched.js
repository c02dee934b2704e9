#!/usr/bin/env node
// Entry point: the bundled CLI (dist/cli.js), or the sources through tsx when the bundle is stale or missing.
import { load } from "./entry.js";

await load("cli", "sim/cli/main.ts");

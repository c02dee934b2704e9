import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Scenario-level tests run whole simulations; speed budgets live in `npm run bench`, not here.
    testTimeout: 60_000,
  },
});

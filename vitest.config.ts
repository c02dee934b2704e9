import { defineConfig } from "vitest/config";

// `npm run test:long` multiplies the property tests' cases by COSCHED_PROPERTY_SCALE; hooks (clean-up of their
// temp folders under load) get the same headroom as the tests.
const scale = Math.max(1, Number(process.env.COSCHED_PROPERTY_SCALE ?? 1) || 1);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Scenario-level tests run whole simulations; speed budgets live in `npm run bench`, not here.
    testTimeout: 60_000,
    hookTimeout: 60_000 * scale,
  },
});

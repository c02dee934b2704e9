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
    // Tests run sweeps and runs on worker threads inside the test process, and end those threads many
    // times a suite. Node 20 unregisters a worker's isolate from its platform before disposing of it, so a
    // TurboFan job still compiling in the background for that isolate can post a task into the gap and
    // abort the whole process (`NodePlatform::ForIsolate ... (data.first) != nullptr`; once in about nine
    // full runs here). Compiling on the thread itself leaves no job in flight when a thread ends.
    execArgv: ["--no-concurrent-recompilation"],
  },
});

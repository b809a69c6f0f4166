// Property tests replay from the command line. On failure fast-check prints `seed` and `path` in the error
// ("Property failed after N tests { seed: 1234, path: "5:0" … }"); run the same file again with
//   FC_SEED=1234 FC_PATH=5:0 npx vitest run test/unit/encoding.test.ts
// to get the same counterexample at once. FC_RUNS raises the number of runs for a longer local hunt.
import fc from "fast-check";

const seed = process.env.FC_SEED;
const path = process.env.FC_PATH;
const runs = process.env.FC_RUNS;
fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  // Print the shrunk counterexample and the tried values that led to it, not only the first line.
  verbose: 1,
  ...(seed !== undefined ? { seed: Number(seed) } : {}),
  ...(path !== undefined ? { path } : {}),
  ...(runs !== undefined ? { numRuns: Number(runs) } : {}),
});

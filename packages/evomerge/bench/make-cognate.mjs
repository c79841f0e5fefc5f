// Produces cognate checkpoints for the evomerge benchmark by running the real cognate phase
// (from the built @agent-forge/cognate next to this package), optionally with fewer steps.
// Usage: node bench/make-cognate.mjs <preset> <runsDir> [steps]
// Prints the cognate phase directory (the evomerge bench's input).
import path from 'node:path';
import { initBackend, lineProgress, phaseDirName, runPipeline } from '@agent-forge/core';

const [preset = 'tiny', runsDir = '/tmp/evomerge-bench/runs', steps] = process.argv.slice(2);
const { cognatePhase } = await import(new URL('../../cognate/dist/index.js', import.meta.url).href);
const backend = await initBackend();
const started = performance.now();
const outcome = await runPipeline({
  phases: [cognatePhase],
  runsDir,
  preset,
  seed: 0,
  backend: backend.choice,
  phaseConfigs: { cognate: steps === undefined ? {} : { steps: Number(steps) } },
  progress: lineProgress((line) => console.error(line), 25),
});
console.error(
  `cognate ${preset}: ${((performance.now() - started) / 1000).toFixed(0)} s on ${backend.choice} (${backend.threads} threads)`,
);
console.log(path.join(outcome.runDir, phaseDirName('cognate')));

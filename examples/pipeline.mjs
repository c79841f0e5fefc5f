// The whole pipeline: all eight phases on the `tiny` preset through core's runPipeline, as `forge run`
// runs them, with very small step counts and evaluation sizes so that it finishes in about a minute
// (`forge run` itself takes minutes on tiny). Every phase hands its model to the next one; the run
// directory holds each phase's checkpoint, report.md and result.json, and could be resumed.
// Build first (`pnpm build`), then: node examples/pipeline.mjs

// %%
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeBackend, initBackend, runPipeline } from '@agent-forge/core';
import { cognatePhase } from '@agent-forge/cognate';
import { evomergePhase } from '@agent-forge/evomerge';
import { quietstarPhase } from '@agent-forge/quietstar';
import { bitnetPhase } from '@agent-forge/bitnet';
import { forgeTrainPhase } from '@agent-forge/forge-train';
import { bakingPhase } from '@agent-forge/baking';
import { edgePhase } from '@agent-forge/edge';
import { compressionPhase } from '@agent-forge/compression';

await initBackend();

// %%
// Overrides on top of each phase's tiny preset, as `forge run --set phases.<name>.<key>=<value>` would
// give them. Only sizes shrink: every phase still trains, evaluates and writes its checkpoint.
const noPersonas = Object.fromEntries(
  ['reasoning', 'memory', 'code', 'translation', 'summarization', 'qa', 'creative', 'general'].map((p) => [p, null]),
);
const phaseConfigs = {
  cognate: {
    steps: 3,
    specialistSteps: 3,
    curriculumProblems: 100,
    skillEvalProblems: 4,
    evalWindows: 2,
    evalProblems: 0,
  },
  evomerge: {
    generations: 1,
    populationSize: 4,
    elites: 1,
    evalWindows: 2,
    testWindows: 2,
    evalProblems: 2,
    reportProblems: 0,
    maxNewTokens: 8,
  },
  quietstar: { steps: 1, batchSize: 1, evalWindows: 1, evalProblems: 0, latencyTokens: 2 },
  bitnet: { steps: 3, evalWindows: 2, evalProblems: 0 },
  'forge-train': { steps: 4, evalEvery: 2, evalWindows: 2, evalProblems: 0 },
  baking: {
    personas: noPersonas,
    tools: { calculator: null },
    steps: 2,
    trajectories: 8,
    heldOutInputs: 4,
    maxNewTokens: 6,
    latencyInputs: 1,
  },
  edge: { promptTokens: 16, newTokens: 8, runs: 1, warmupRuns: 0 },
  compression: {
    candidates: [
      { method: 'ternary-base3' },
      { method: 'ternary-2bit' },
      { method: 'rtn', settings: { bits: 8, groupSize: 64 } },
      { method: 'fp16' },
      { method: 'fp32' },
    ],
    evalWindows: 2,
    budgetWindows: 1,
    calibrationWindows: 1,
    evalProblems: 0,
    methodReports: false,
  },
};

// %%
// (`phaseConfigs: phaseConfigs`, not `{ phaseConfigs }`: tslab does not rewrite a shorthand property naming an
// earlier cell's variable.)
const runsDir = await mkdtemp(path.join(os.tmpdir(), 'forge-pipeline-'));
const started = performance.now();
const outcome = await runPipeline({
  phases: [
    cognatePhase,
    evomergePhase,
    quietstarPhase,
    bitnetPhase,
    forgeTrainPhase,
    bakingPhase,
    edgePhase,
    compressionPhase,
  ],
  runsDir,
  preset: 'tiny',
  seed: 0,
  phaseConfigs: phaseConfigs,
  backend: describeBackend().backend,
  data: { kind: 'builtin', count: 1500, seed: 7, difficulty: 1 },
});
console.log(`run ${outcome.runId}: ${((performance.now() - started) / 1000).toFixed(1)} s in all`);

// %%
// One line per phase: its measured time and the headline metric it reports.
const headline = {
  cognate: 'reasoning.perplexity',
  evomerge: 'bestPerplexity',
  quietstar: 'lossDelta',
  bitnet: 'perplexityAfter',
  'forge-train': 'grokfastPerplexity',
  baking: 'math.klReductionPct',
  edge: 'msPerTokenP50',
  compression: 'bitsPerWeight',
};
for (const phase of outcome.state.phases) {
  const { durationMs, metrics } = phase.result;
  const key = headline[phase.name];
  console.log(
    `${phase.dir}: ${phase.status}, ${(durationMs / 1000).toFixed(1)} s, ${key} ${Number(metrics[key]).toPrecision(4)}`,
  );
}
console.log(
  `final model: ${outcome.result.models.map((m) => `${m.role} ${path.relative(runsDir, m.dir)}`).join(', ')}`,
);
await rm(runsDir, { recursive: true, force: true });

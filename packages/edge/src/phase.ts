/**
 * The edge phase: take the baked model, write the deployable directory (packed weights, tokenizer,
 * config, adapters) and measure how fast it runs here — on the packed ternary kernel and on the float
 * path — into metrics and report.md.
 */
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  bytesOnDisk,
  formatProblem,
  generateProblems,
  loadModelCheckpoint,
  loadPackedModel,
  loadTokenizer,
  pickInputModel,
} from '@agent-forge/core';
import type {
  BpeTokenizer,
  InputModelChoice,
  Phase,
  PhaseContext,
  PhaseOutput,
  PhaseResult,
  TinyTitan,
} from '@agent-forge/core';
import { writeDeployable } from './deploy.js';
import { measureLatency, type LatencyOptions, type LatencyReport } from './latency.js';
import { loadPackedKernelModel, readModelConfig } from './packed-model.js';
import { EdgePhaseConfigSchema, edgePresetDefaults, type EdgePhaseConfig } from './phase-config.js';
import { phaseMetrics, phaseReport, type EdgeOutcome } from './report.js';

/** Directory of the deployable model inside the phase directory. */
export const EDGE_MODEL_DIR = 'model';

/** A prompt of exactly `length` real tokens: built-in problems in the training layout, cut to length. */
export function benchmarkPrompt(tokenizer: BpeTokenizer, length: number, seed: number): number[] {
  const ids: number[] = [];
  for (let batch = 0; ids.length < length; batch++) {
    const problems = generateProblems({ count: 16, seed: seed + batch, difficulty: 2 });
    for (const problem of problems) ids.push(...tokenizer.encode(`${formatProblem(problem).text}\n`));
  }
  return ids.slice(0, length);
}

/** Loads a model, times it and frees it. */
async function timePath(
  load: () => Promise<{ model: TinyTitan; params?: number }>,
  prompt: readonly number[],
  options: LatencyOptions,
): Promise<LatencyReport & { params: number }> {
  const { model, params } = await load();
  try {
    return { ...(await measureLatency(model, prompt, options)), params: params ?? model.parameterCount };
  } finally {
    model.dispose();
  }
}

/** The model edge deploys: baking's baked model, else a trained or ternary one, else the first. */
const INPUT: InputModelChoice = {
  phase: 'edge',
  roles: ['baked', 'trained', 'ternary'],
  after: 'baking (or any phase)',
};

async function runEdge(input: PhaseResult | null, config: EdgePhaseConfig, ctx: PhaseContext): Promise<PhaseOutput> {
  const source = pickInputModel(input, INPUT);
  const dir = path.join(ctx.phaseDir, EDGE_MODEL_DIR);
  ctx.progress.log(`edge: writing the deployable model from ${source.dir}`);
  const deploy = await writeDeployable(source.dir, dir);
  const { model: modelConfig } = await readModelConfig(dir);
  const tokenizer = await loadTokenizer(path.join(dir, CHECKPOINT_FILES.tokenizer));
  const prompt = benchmarkPrompt(tokenizer, Math.min(config.promptTokens, modelConfig.contextLength - 1), ctx.seed);
  const options: LatencyOptions = { newTokens: config.newTokens, runs: config.runs, warmupRuns: config.warmupRuns };
  const task = ctx.progress.start('edge: timing', deploy.packedFile && config.measureFloat ? 2 : 1);
  const packed = deploy.packedFile !== null;
  const mainLatency = await timePath(
    () => (packed ? loadPackedKernelModel(dir) : loadModelCheckpoint(dir)),
    prompt,
    options,
  );
  task.tick();
  const float = packed && config.measureFloat ? await timePath(() => loadPackedModel(dir), prompt, options) : null;
  task.done();
  const outcome: EdgeOutcome = {
    deploy,
    bytesOnDisk: await bytesOnDisk(dir),
    packedBytes: deploy.packedFile ? await bytesOnDisk(path.join(dir, deploy.packedFile)) : 0,
    main: { path: packed ? 'packed-ternary' : 'float', latency: mainLatency },
    float,
    backend: ctx.backend,
    forwardBudgetMs: config.forwardBudgetMs,
    params: mainLatency.params,
  };
  const metrics = phaseMetrics(outcome);
  ctx.tracker.metrics('edge', 0, metrics);
  return {
    models: [{ dir, role: 'deployable', params: outcome.params, bytes: outcome.bytesOnDisk }],
    metrics,
    report: phaseReport(outcome),
    artifacts: deploy.packedFile ? { packedWeights: path.join(dir, deploy.packedFile) } : {},
  };
}

/** Phase 7 of the pipeline; the CLI registers it as `edge`. */
export const edgePhase: Phase<EdgePhaseConfig> = {
  name: 'edge',
  description:
    'edge runtime: deployable packed model directory and its latency report (packed ternary kernel vs float)',
  configSchema: EdgePhaseConfigSchema,
  presetDefaults: edgePresetDefaults,
  run: runEdge,
};

/**
 * The evomerge phase: evolutionary search over merges of the previous phase's models (cognate's
 * three), evaluated in memory, checkpointed every generation; saves the best merge as one checkpoint
 * with role 'merged', its recipe (a mergekit-shaped config over the input directories) and report.md.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ForgeError, bytesOnDisk, saveModelCheckpoint, writeJsonAtomic } from '@agent-forge/core';
import type { Phase, PhaseContext, PhaseOutput, PhaseResult } from '@agent-forge/core';
import { genomeToMergeConfig } from './evolve/decode.js';
import { MergeEvaluator, type EvalData } from './evolve/evaluator.js';
import { releaseFitnessUnits, unitEvaluator, writeEvalData } from './evolve/fitness-unit.js';
import type { Genome, GenomeSpace } from './evolve/genome.js';
import { runEvolution, type SearchSettings } from './evolve/search.js';
import { runKeyOf } from './evolve/state.js';
import { finalEvaluation } from './final-eval.js';
import { EvomergePhaseConfigSchema, evomergePresetDefaults, type EvomergePhaseConfig } from './phase-config.js';
import { loadSources, pickSources, preparePhaseData, type LoadedSources } from './phase-steps.js';
import { phaseMetrics, phaseReport, type EvolutionOutcome } from './report.js';

/** Directory of the merged checkpoint inside the phase directory. */
export const EVOMERGE_MODEL_DIR = 'model';
/** The search state, checkpointed every generation. */
export const EVOLUTION_STATE_FILE = path.join('evolution', 'state.json');

/**
 * The genome bounds for `sources` models of `layers` blocks each, from the phase config (drops
 * model_stock below 3 sources). Throws when no method is left or `populationSize` ≤ `sources`.
 */
export function genomeSpace(config: EvomergePhaseConfig, sources: number, layers: number): GenomeSpace {
  // model_stock needs two models besides its base.
  const methods = config.methods.filter((method) => method !== 'model_stock' || sources >= 3);
  if (methods.length === 0)
    throw new ForgeError(`none of the methods can merge ${sources} models`, { field: 'methods' });
  if (config.populationSize <= sources) {
    throw new ForgeError(
      `populationSize must exceed the ${sources} source models (generation 0 holds them plus merges)`,
      { field: 'populationSize' },
    );
  }
  return {
    models: sources,
    layers,
    layerGroups: config.layerGroups,
    methods,
    maxDepth: Math.ceil(config.maxDepthFactor * layers),
    densityRange: [config.densityMin, 1],
    weightRange: [0, config.weightMax],
    scaleRange: [config.scaleMin, config.scaleMax],
  };
}

/** The phase config's search fields as {@link SearchSettings} (mutation fields grouped, CMA-ES's apart). */
export function searchSettings(config: EvomergePhaseConfig): SearchSettings {
  return {
    generations: config.generations,
    populationSize: config.populationSize,
    elites: config.elites,
    tournamentSize: config.tournamentSize,
    crossoverRate: config.crossoverRate,
    boostFactor: config.boostFactor,
    immigrants: config.immigrants,
    mutation: { rate: config.mutationRate, scale: config.mutationScale, methodRate: config.methodMutationRate },
    diversityThreshold: config.diversityThreshold,
    fitness: config.fitness,
    search: config.search,
    cmaes: { method: config.cmaesMethod, sigma: config.cmaesSigma },
  };
}

async function saveMerged(
  dir: string,
  best: Genome,
  evaluator: MergeEvaluator,
  sources: LoadedSources,
): Promise<number> {
  return evaluator.withModel(best, async (model) => {
    const recipe = genomeToMergeConfig(best, sources.models.length, (i) => sources.models[i]?.dir ?? String(i));
    await saveModelCheckpoint(dir, {
      model,
      tokenizer: sources.tokenizer,
      extensions: evaluator.extensionsOf(best),
      result: { role: 'merged', genome: best, recipe },
    });
    return model.parameterCount;
  });
}

/** Runs (or resumes) the evolutionary search, its state checkpointed in `stateFile` every generation. */
async function search(
  config: EvomergePhaseConfig,
  ctx: PhaseContext,
  run: { evaluator: MergeEvaluator; space: GenomeSpace; sources: LoadedSources; stateFile: string; data: EvalData },
): Promise<Awaited<ReturnType<typeof runEvolution>> & { searchMs: number }> {
  await mkdir(path.dirname(run.stateFile), { recursive: true });
  const runKey = runKeyOf({
    config,
    seed: ctx.seed,
    preset: ctx.preset,
    data: ctx.data ?? null,
    sources: run.sources.models.map((m) => m.dir),
  });
  // Each generation's new genomes are fitness units (here, or on `forge worker`s); their data is written once.
  const evolutionDir = path.dirname(run.stateFile);
  const dataFile = path.join(evolutionDir, 'eval-data.json');
  await writeEvalData(dataFile, run.data);
  const sourceDirs = run.sources.models.map((m) => m.dir);
  const outputs = path.join(evolutionDir, 'units', runKey);
  const searchStarted = performance.now();
  const outcome = await runEvolution(searchSettings(config), {
    evaluator: unitEvaluator(run.evaluator, ctx, { sources: sourceDirs, data: dataFile, outputs }),
    space: run.space,
    stateFile: run.stateFile,
    runKey,
    resume: ctx.resuming,
    rng: ctx.rng.fork('evolution'),
    tracker: ctx.tracker,
    progress: ctx.progress,
    signal: ctx.signal,
    phase: 'evomerge',
  });
  return { ...outcome, searchMs: performance.now() - searchStarted };
}

async function runEvomerge(
  input: PhaseResult | null,
  config: EvomergePhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  const sources = await loadSources(pickSources(input));
  const space = genomeSpace(config, sources.models.length, sources.modelConfig.nLayers);
  const data = await preparePhaseData(config, ctx, sources.tokenizer, sources.modelConfig.contextLength);
  const evaluator = new MergeEvaluator(sources, data.search);
  try {
    const stateFile = path.join(ctx.phaseDir, EVOLUTION_STATE_FILE);
    const { state, resumedFrom, searchMs } = await search(config, ctx, {
      evaluator,
      space,
      sources,
      stateFile,
      data: data.search,
    });
    const final = await finalEvaluation(
      {
        evaluator,
        state,
        data,
        tokenizer: sources.tokenizer,
        weights: config.fitness,
        maxNewTokens: config.maxNewTokens,
      },
      space,
      sources.models.map((m) => m.role),
    );
    const dir = path.join(ctx.phaseDir, EVOMERGE_MODEL_DIR);
    const params = await saveMerged(dir, final.best.genome, evaluator, sources);
    const recipeFile = path.join(ctx.phaseDir, 'recipe.json');
    await writeJsonAtomic(
      recipeFile,
      genomeToMergeConfig(final.best.genome, sources.models.length, (i) => sources.models[i]?.dir ?? String(i)),
    );
    const outcome: EvolutionOutcome = {
      history: state.history,
      final,
      evaluations: Object.keys(state.cache).length,
      resumedFrom,
      searchMs,
      search: config.search,
      titanFrom: `source ${sources.models[final.best.genome.base]?.role ?? final.best.genome.base} (the genome's base)`,
    };
    return {
      models: [{ dir, role: 'merged', params, bytes: await bytesOnDisk(dir) }],
      metrics: phaseMetrics(outcome),
      report: phaseReport(outcome),
      artifacts: { recipe: recipeFile, state: stateFile },
    };
  } finally {
    evaluator.dispose();
    releaseFitnessUnits();
  }
}

/** Phase 2 of the pipeline; the CLI registers it as `evomerge`. */
export const evomergePhase: Phase<EvomergePhaseConfig> = {
  name: 'evomerge',
  description:
    'Evolutionary search over merges (linear, slerp, TIES, DARE, DELLA, frankenmerge, DFS…) of the cognate models',
  configSchema: EvomergePhaseConfigSchema,
  presetDefaults: evomergePresetDefaults,
  run: runEvomerge,
};

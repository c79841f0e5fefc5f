/**
 * The evomerge phase's settings: the genetic algorithm, the genome space, the fitness weights and
 * the evaluation subset. Defaults follow the seed plan (population 8, 50 generations, diversity 0.3).
 */
import { ANSWER_TOKEN_BUDGET, evaluationSettingsSchema } from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';
import { FitnessWeightsSchema } from './evolve/fitness.js';
import { SEARCH_METHODS } from './evolve/genome.js';

const share = z.number().min(0).max(1);

/**
 * Zod schema of the `evomerge` phase config (`phaseConfigs.evomerge`), with core's data and evaluation
 * settings (`evalWindows` held-out windows measure the fitness, `evalProblems` its teacher-forced accuracy):
 * every field has a default, unknown keys are errors, `elites` < `populationSize` and `scaleMin` ≤ `scaleMax`.
 */
export const EvomergePhaseConfigSchema = z
  .object({
    /** Generations bred after generation 0 (the sources + random merges); presets: tiny 50, small 15, paper 50. */
    generations: z.number().int().min(0).default(50),
    /** Members per generation; generation 0 is the source models plus random merges up to this size. */
    populationSize: z.number().int().min(4).default(8),
    /** Best distinct members copied unchanged into the next generation (elitism: the best never gets worse). */
    elites: z.number().int().min(1).default(2),
    /** Members drawn per tournament; the fittest of them becomes a parent. */
    tournamentSize: z.number().int().min(2).default(3),
    /** Chance that a child is bred by crossover of two parents (else it copies one). */
    crossoverRate: share.default(0.9),
    /** Chance that each gene mutates. */
    mutationRate: share.default(0.2),
    /** Gaussian mutation step as a share of the gene's range. */
    mutationScale: z.number().positive().default(0.15),
    /** Chance that a child switches merge method. */
    methodMutationRate: share.default(0.1),
    /** Below this genome diversity the next generation is bred with raised mutation and immigrants. */
    diversityThreshold: share.default(0.3),
    /** Multiplier of mutation rate and scale while diversity is low. */
    boostFactor: z.number().min(1).default(2),
    /** Random genomes injected while diversity is low. */
    immigrants: z.number().int().min(0).default(2),
    /** Merge methods the search may pick. */
    methods: z
      .array(z.enum(SEARCH_METHODS))
      .min(1)
      .default(() => [...SEARCH_METHODS]),
    /** Anchors of the per-layer-group gradients of weights and slerp t. */
    layerGroups: z.number().int().min(1).default(2),
    /** Longest layer plan of frankenmerge/dfs, as a multiple of the source depth (rounded up). */
    maxDepthFactor: z.number().min(1).default(1.5),
    /** Lowest task-vector density (highest drop rate is 1 − this). */
    densityMin: z.number().gt(0).max(1).default(0.1),
    /** Upper bound of per-model weights (linear and task-vector). */
    weightMax: z.number().positive().default(1),
    /** Bounds of the dfs hidden-state scales. */
    scaleMin: z.number().positive().default(0.5),
    /** Upper bound of the dfs hidden-state scales. */
    scaleMax: z.number().positive().default(1.5),
    /** Weights of the composite fitness (normalised scores, see README). */
    fitness: FitnessWeightsSchema.prefault({}),
    /** `ga`: the genetic algorithm over whole genomes; `cmaes`: CMA-ES over `cmaesMethod`'s continuous genes (same evaluation budget: populationSize − elites new genomes a generation). */
    search: z.enum(['ga', 'cmaes']).default('ga'),
    /** Merge method CMA-ES tunes (weights, densities, t per layer group), with the best source as base. */
    cmaesMethod: z.enum(SEARCH_METHODS).default('linear'),
    /** CMA-ES's initial step size σ as a share of each gene's range. */
    cmaesSigma: z.number().positive().max(1).default(0.3),
    /** `skills`: fitness on the built-in generator's mixed-skill search set, report on its held-out test set; `data`: both from the run's data split (`data`, `validationFraction`). */
    fitnessData: z.enum(['skills', 'data']).default('skills'),
    /** Problems per skill in the mixed-skill search set (with `fitnessData: 'skills'`). */
    searchProblems: z.number().int().positive().default(16),
    /** Problems per skill in the held-out test set the search never sees (presets: tiny 24, small 64; cognate's `skillEvalProblems` uses the same items). */
    testProblems: z.number().int().positive().default(24),
    /** Facts after the needed ones in a memory-integration problem; match cognate's `recallDistractors` (presets: tiny 3, small 6, paper 12). */
    recallDistractors: z.number().int().min(1).max(20).default(3),
  })
  .extend(evaluationSettingsSchema({ evalWindows: 8, evalProblems: 8, maxNewTokens: 32 }).shape)
  .extend({
    /** Further held-out windows, never seen by the search, for the report's test perplexity and ms/token prompt (at least 1). */
    testWindows: z
      .number()
      .int()
      .min(1, { message: 'at least 1 test window: the report measures test perplexity and ms/token on them' })
      .default(16),
    /** Problems decoded greedily in the report (best vs initial best); 0 skips. */
    reportProblems: z.number().int().min(0).default(4),
  })
  .strict()
  .refine((c) => c.elites < c.populationSize, { message: 'elites must be fewer than populationSize', path: ['elites'] })
  .refine((c) => c.scaleMin <= c.scaleMax, { message: 'scaleMin must not exceed scaleMax', path: ['scaleMin'] })
  .refine((c) => c.fitnessData === 'data' || c.data === undefined, {
    message: "data is only read with fitnessData: 'data' (the default 'skills' uses the built-in skill sets)",
    path: ['data'],
  });
/** The `evomerge` phase's settings, defaults filled in (see {@link EvomergePhaseConfigSchema}). */
export type EvomergePhaseConfig = z.output<typeof EvomergePhaseConfigSchema>;

/** Preset starting values, under whatever the user sets. */
export function evomergePresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return {
        evalWindows: 8,
        testWindows: 16,
        evalProblems: 8,
        reportProblems: 4,
        maxNewTokens: 32,
        searchProblems: 16,
        testProblems: 24,
        recallDistractors: 3,
      };
    case 'small':
      // 15 generations: in the 50-generation small run (2026-12-05) the best fitness was 1.2485 at
      // generation 15 and 1.2521 at 50 (gain over generation 0's best 11.2 % vs 11.5 %), for 70 % less search.
      return {
        generations: 15,
        evalWindows: 8,
        testWindows: 16,
        evalProblems: 8,
        reportProblems: 4,
        maxNewTokens: ANSWER_TOKEN_BUDGET.small,
        searchProblems: 16,
        testProblems: 64,
        recallDistractors: 6,
      };
    case 'paper':
      return {
        evalWindows: 16,
        testWindows: 32,
        evalProblems: 16,
        reportProblems: 8,
        maxNewTokens: ANSWER_TOKEN_BUDGET.paper,
        searchProblems: 32,
        testProblems: 128,
        recallDistractors: 12,
      };
  }
}

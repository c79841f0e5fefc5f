/**
 * The evolutionary search over merge recipes (our GA, inspired by Sakana's evolutionary model merge
 * and mergekit-evolve, which both use CMA-ES instead): score generation 0 (the sources and random
 * merges), then each generation breed, score the new members (each genome once: fitness is cached by
 * hash), record best/mean fitness and diversity, checkpoint, and continue.
 */
import { ForgeError, type ProgressReporter, type Rng, type Tracker } from '@agent-forge/core';
import { breed, initialPopulation, type BreedSettings } from './breed.js';
import { cmaesGeneration, type CmaesRun, type CmaesSettings } from './cmaes-search.js';
import {
  genomeDiversity,
  meanPairwise,
  fingerprintDistance,
  randomGenomeDistance,
  weightDiversity,
} from './diversity.js';
import { compositeFitness, referenceOf, type FitnessWeights } from './fitness.js';
import { genomeHash, sourceGenome, type Genome, type GenomeSpace } from './genome.js';
import type { Evaluation } from './evaluator.js';
import type { Scored } from './operators.js';
import { loadState, saveState, type EvolutionState, type FitnessRecord, type GenerationRecord } from './state.js';

/** Everything {@link runEvolution} needs to know about the search; the phase builds it with `searchSettings`. */
export interface SearchSettings extends BreedSettings {
  /** `ga`: the genetic algorithm over whole genomes; `cmaes`: CMA-ES over one method's continuous genes. */
  readonly search: 'ga' | 'cmaes';
  /** CMA-ES's method and initial step size (read with `search: 'cmaes'`). */
  readonly cmaes: CmaesSettings;
  /** Generations bred after generation 0; the search ends after generation `generations`. */
  readonly generations: number;
  /** Genome diversity ∈ [0, 1] below which the next generation is boosted (raised mutation, immigrants). */
  readonly diversityThreshold: number;
  /** Weights of the composite fitness; in the phase they are part of the run key, so a state scored with other weights is not resumed. */
  readonly fitness: FitnessWeights;
}

/** Measures a genome; `MergeEvaluator` is the real one, tests use stubs. */
export interface GenomeEvaluator {
  /** Number of source models N; genomes 0…N−1 built by `sourceGenome` are scored first and set the fitness reference. */
  readonly sourceCount: number;
  /** Merges and measures `genome`; must be deterministic, since results are cached by genome hash. */
  evaluate(genome: Genome): Promise<Evaluation>;
  /** Measures a generation's cache misses together (e.g. as work units spread over workers); default: `evaluate` each in turn. */
  evaluateAll?(genomes: readonly Genome[]): Promise<Evaluation[]>;
}

/** The run-specific inputs of {@link runEvolution}: evaluator, bounds, where to checkpoint and whom to report to. */
export interface SearchContext {
  /** Scores cache misses. */
  readonly evaluator: GenomeEvaluator;
  /** Shape and bounds of the genomes. */
  readonly space: GenomeSpace;
  /** Path of the JSON state written atomically after every generation (and read on resume). */
  readonly stateFile: string;
  /** Identifies the run; a saved state with another key is refused. */
  readonly runKey: string;
  /** Continue from the saved state when there is one. */
  readonly resume: boolean;
  /** Generation g draws from `rng.fork('generation-g')`: no state to save, and resume is exact. */
  readonly rng: Rng;
  /** Receives per-generation metrics (`bestFitness`, `diversity`, …) and `diversity_boost` events. */
  readonly tracker: Tracker;
  /** Progress bar: one tick per generation, generation 0 included. */
  readonly progress: ProgressReporter;
  /** Abort stops after the current evaluation; the last finished generation stays saved for a resume. */
  readonly signal: AbortSignal;
  /** Phase name the tracker records metrics and events under (`evomerge`). */
  readonly phase: string;
}

/** The result of {@link runEvolution}. */
export interface SearchOutcome {
  /** The final state: last population (best first), every generation's record, the fitness cache. */
  readonly state: EvolutionState;
  /** Generation the search continued from (−1 for a fresh start). */
  readonly resumedFrom: number;
}

function interrupted(ctx: SearchContext): never {
  throw new ForgeError('evolution interrupted; the last finished generation is saved, resume to continue', {
    file: ctx.stateFile,
  });
}

/** Scores the sources (fixing the fitness reference) and creates generation 0's population. */
async function freshState(settings: SearchSettings, ctx: SearchContext): Promise<EvolutionState> {
  const sources = Array.from({ length: ctx.evaluator.sourceCount }, (_, index) => sourceGenome(ctx.space, index));
  const evaluations: Evaluation[] = [];
  for (const genome of sources) {
    evaluations.push(await ctx.evaluator.evaluate(genome));
    if (ctx.signal.aborted) interrupted(ctx);
  }
  const reference = referenceOf(evaluations.map((e) => e.measures));
  const cache: Record<string, FitnessRecord> = {};
  sources.forEach((genome, index) => {
    const { measures, fingerprint } = evaluations[index] as Evaluation;
    cache[genomeHash(genome)] = {
      fitness: compositeFitness(measures, reference, settings.fitness),
      measures,
      fingerprint,
    };
  });
  const population = initialPopulation(sources, ctx.space, settings.populationSize, ctx.rng.fork('initial-population'));
  return {
    version: 1,
    runKey: ctx.runKey,
    generation: -1,
    population,
    initialPopulation: population,
    reference,
    randomDistance: randomGenomeDistance(ctx.space),
    sourceSpread: meanPairwise(
      evaluations.map((e) => e.fingerprint),
      fingerprintDistance,
    ),
    cache,
    history: [],
  };
}

/** Measures `genomes` with the evaluator's `evaluateAll` when it has one, else one by one; stops between them on abort. */
async function evaluateMisses(genomes: readonly Genome[], ctx: SearchContext): Promise<Evaluation[]> {
  if (ctx.evaluator.evaluateAll && genomes.length > 0) {
    const evaluations = await ctx.evaluator.evaluateAll(genomes);
    if (ctx.signal.aborted) interrupted(ctx);
    return evaluations;
  }
  const evaluations: Evaluation[] = [];
  for (const genome of genomes) {
    evaluations.push(await ctx.evaluator.evaluate(genome));
    if (ctx.signal.aborted) interrupted(ctx);
  }
  return evaluations;
}

/** Fitness of every member (evaluating cache misses), best first; ties broken by hash so the order is deterministic. */
async function score(
  population: readonly Genome[],
  state: EvolutionState,
  settings: SearchSettings,
  ctx: SearchContext,
): Promise<{ scored: Scored[]; evaluations: number; cacheHits: number }> {
  const misses = new Map<string, Genome>();
  for (const genome of population)
    if (state.cache[genomeHash(genome)] === undefined) misses.set(genomeHash(genome), genome);
  const cacheHits = population.length - misses.size;
  const evaluations = await evaluateMisses([...misses.values()], ctx);
  for (const [index, hash] of [...misses.keys()].entries()) {
    const { measures, fingerprint } = evaluations[index] as Evaluation;
    state.cache[hash] = {
      fitness: compositeFitness(measures, state.reference, settings.fitness),
      measures,
      fingerprint,
    };
  }
  const scored = population.map((genome) => ({
    genome,
    fitness: (state.cache[genomeHash(genome)] as FitnessRecord).fitness,
    hash: genomeHash(genome),
  }));
  scored.sort((a, b) => b.fitness - a.fitness || a.hash.localeCompare(b.hash));
  return {
    scored: scored.map(({ genome, fitness }) => ({ genome, fitness })),
    evaluations: misses.size,
    cacheHits,
  };
}

function generationRecord(
  generation: number,
  scored: readonly Scored[],
  state: EvolutionState,
  ctx: SearchContext,
  counts: { evaluations: number; cacheHits: number; boosted: boolean; immigrants: number },
): GenerationRecord {
  const best = scored[0] as Scored;
  const record = state.cache[genomeHash(best.genome)] as FitnessRecord;
  const genomes = scored.map((s) => s.genome);
  return {
    generation,
    bestFitness: best.fitness,
    meanFitness: scored.reduce((sum, s) => sum + s.fitness, 0) / scored.length,
    diversity: genomeDiversity(genomes, ctx.space, state.randomDistance),
    weightDiversity: weightDiversity(
      genomes.map((g) => (state.cache[genomeHash(g)] as FitnessRecord).fingerprint),
      state.sourceSpread,
    ),
    bestHash: genomeHash(best.genome),
    bestMethod: best.genome.method,
    bestPerplexity: record.measures.perplexity,
    ...counts,
  };
}

function logGeneration(record: GenerationRecord, ctx: SearchContext): void {
  const {
    generation,
    bestFitness,
    meanFitness,
    diversity,
    weightDiversity: weights,
    bestPerplexity,
    evaluations,
    cacheHits,
    immigrants,
  } = record;
  ctx.tracker.metrics(ctx.phase, generation, {
    bestFitness,
    meanFitness,
    diversity,
    weightDiversity: weights,
    bestPerplexity,
    evaluations,
    cacheHits,
    immigrants,
    boosted: record.boosted ? 1 : 0,
  });
  if (record.boosted) ctx.tracker.event('diversity_boost', { generation, immigrants, mutation: 'raised' }, ctx.phase);
}

function nextPopulation(
  state: EvolutionState,
  generation: number,
  boosted: boolean,
  settings: SearchSettings,
  ctx: SearchContext,
): { population: Genome[]; immigrants: number; cmaes?: CmaesRun } {
  if (generation === 0) return { population: state.population, immigrants: 0 };
  const fitnessOf = (hash: string): number => (state.cache[hash] as FitnessRecord).fitness;
  const rng = ctx.rng.fork(`generation-${generation}`);
  if (settings.search === 'cmaes') {
    const sources = Array.from({ length: ctx.space.models }, (_, index) =>
      fitnessOf(genomeHash(sourceGenome(ctx.space, index))),
    );
    const bestSource = sources.indexOf(Math.max(...sources));
    const step = { run: state.cmaes, population: state.population, fitnessOf, bestSource };
    const { population, run } = cmaesGeneration(step, { ...settings.cmaes, ...settings }, ctx.space, rng);
    return { population, immigrants: 0, cmaes: run };
  }
  const scored = state.population.map((genome) => ({ genome, fitness: fitnessOf(genomeHash(genome)) }));
  return breed(scored, ctx.space, settings, boosted, rng);
}

/** Runs (or resumes) the search to `settings.generations`, checkpointing after every generation. */
export async function runEvolution(settings: SearchSettings, ctx: SearchContext): Promise<SearchOutcome> {
  const saved = ctx.resume ? await loadState(ctx.stateFile, ctx.runKey) : undefined;
  let state = saved ?? (await freshState(settings, ctx));
  const resumedFrom = saved?.generation ?? -1;
  if (saved === undefined) await saveState(ctx.stateFile, state);
  const task = ctx.progress.start('evolution', settings.generations + 1);
  task.tick(state.generation + 1);
  for (let generation = state.generation + 1; generation <= settings.generations; generation++) {
    const previous = state.history.at(-1);
    // The diversity boost is the GA's; CMA-ES adapts its own step size.
    const boosted =
      settings.search === 'ga' && previous !== undefined && previous.diversity < settings.diversityThreshold;
    const { population, immigrants, cmaes } = nextPopulation(state, generation, boosted, settings, ctx);
    const { scored, evaluations, cacheHits } = await score(population, state, settings, ctx);
    const record = generationRecord(generation, scored, state, ctx, { evaluations, cacheHits, boosted, immigrants });
    state = {
      ...state,
      generation,
      population: scored.map((s) => s.genome),
      history: [...state.history, record],
      ...(cmaes === undefined ? {} : { cmaes }),
    };
    await saveState(ctx.stateFile, state);
    logGeneration(record, ctx);
    task.tick(1, { best: record.bestFitness.toFixed(4), diversity: record.diversity.toFixed(2) });
    if (ctx.signal.aborted && generation < settings.generations) interrupted(ctx);
  }
  task.done();
  return { state, resumedFrom };
}

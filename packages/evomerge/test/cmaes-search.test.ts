import { Rng, Tracker, silentProgress } from '@agent-forge/core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SEARCH_METHODS,
  runEvolution,
  vectorToGenome,
  sourceGenome,
  type GenomeEvaluator,
  type GenomeSpace,
  type SearchSettings,
} from '../src/index.js';

const SPACE: GenomeSpace = {
  models: 3,
  layers: 2,
  layerGroups: 2,
  methods: [...SEARCH_METHODS],
  maxDepth: 3,
  densityRange: [0.1, 1],
  weightRange: [0, 1],
  scaleRange: [0.5, 1.5],
};
const TARGET = [
  [0.2, 0.9],
  [0.7, 0.1],
  [0.4, 0.4],
];

/** Perplexity rises with the linear weights' distance from TARGET; other methods pay 3 more. */
function syntheticEvaluator(): GenomeEvaluator & { calls: number } {
  const evaluator = {
    sourceCount: 3,
    calls: 0,
    evaluate(genome: Parameters<GenomeEvaluator['evaluate']>[0]) {
      evaluator.calls += 1;
      const miss = genome.weights.flat().reduce((sum, w, i) => sum + Math.abs(w - (TARGET.flat()[i] as number)), 0);
      const perplexity = 10 + 10 * miss + (genome.method === 'linear' ? 0 : 3);
      const measures = {
        perplexity,
        loss: Math.log(perplexity),
        accuracy: 0,
        cost: 2,
        meanPonderSteps: 1,
        depth: 2,
        bytes: 2000,
      };
      return Promise.resolve({ measures, fingerprint: genome.weights.flat() });
    },
  };
  return evaluator;
}

const settings = (search: 'ga' | 'cmaes', generations: number): SearchSettings => ({
  generations,
  populationSize: 8,
  elites: 2,
  tournamentSize: 3,
  crossoverRate: 0.9,
  mutation: { rate: 0.3, scale: 0.2, methodRate: 0.2 },
  boostFactor: 2,
  immigrants: 2,
  diversityThreshold: 0.3,
  fitness: { perplexity: 0.8, accuracy: 0.1, speed: 0.05, memory: 0.05 },
  search,
  cmaes: { method: 'linear', sigma: 0.3 },
});

async function run(search: 'ga' | 'cmaes', generations: number, stateFile?: string, resume = false) {
  const evaluator = syntheticEvaluator();
  const outcome = await runEvolution(settings(search, generations), {
    evaluator,
    space: SPACE,
    stateFile: stateFile ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'evomerge-cmaes-')), 'state.json'),
    runKey: search,
    resume,
    rng: Rng.fromSeed(3),
    tracker: Tracker.none(),
    progress: silentProgress,
    signal: new AbortController().signal,
    phase: 'evomerge',
  });
  return { ...outcome, calls: evaluator.calls };
}

describe('CMA-ES search', () => {
  it('closes in on the best linear weights within the GA’s per-generation budget, keeping the elites', async () => {
    const { state, calls } = await run('cmaes', 25);
    const best = state.history.map((r) => r.bestFitness);
    best.slice(1).forEach((value, i) => expect(value).toBeGreaterThanOrEqual(best[i] as number));
    // Generation 0 as the GA's (8 members), then at most populationSize − elites new genomes a generation.
    expect(calls).toBeLessThanOrEqual(8 + 25 * 6);
    state.history.slice(1).forEach((r) => expect(r.evaluations).toBeLessThanOrEqual(6));
    const winner = state.population[0];
    expect(winner?.method).toBe('linear');
    const miss = winner?.weights.flat().reduce((sum, w, i) => sum + Math.abs(w - (TARGET.flat()[i] as number)), 0);
    // The box centre misses by 1.5 and the best source by 3.3; CMA-ES gets to a third of the first.
    expect(miss).toBeLessThan(0.5);
    expect(state.cmaes?.state.sigma).toBeLessThan(0.3);
  });

  it('resumes exactly: 4 generations, then on to 8, equal the 8 straight', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evomerge-cmaes-resume-'));
    await run('cmaes', 4, path.join(dir, 'state.json'));
    const resumed = await run('cmaes', 8, path.join(dir, 'state.json'), true);
    const straight = await run('cmaes', 8);
    expect(resumed.resumedFrom).toBe(4);
    expect(resumed.state.history).toEqual(straight.state.history);
    expect(resumed.state.cmaes).toEqual(straight.state.cmaes);
  });

  it('decodes vectors into the method’s genes, clipped to their bounds, with the best source as base', () => {
    const template = { ...sourceGenome(SPACE, 1), method: 'ties' as const };
    const genome = vectorToGenome([0.5, 2, -1, 0.25, 0, 1, 0.5, 0.5, 0.5, 0.3, 0.8], template, SPACE);
    expect(genome.weights).toEqual([
      [0.5, 1],
      [0, 0.25],
      [0, 1],
    ]);
    expect(genome.density).toEqual([0.55, 0.55, 0.55]);
    expect(genome.t).toEqual([0.3, 0.8]);
    expect([genome.method, genome.base]).toEqual(['ties', 1]);
  });
});

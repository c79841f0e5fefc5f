import { Rng, Tracker, silentProgress, type WeightMap } from '@agent-forge/core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SEARCH_METHODS,
  countLayers,
  crossover,
  genomeDiversity,
  genomeHash,
  genomeToMergeConfig,
  mergeWeightMaps,
  mutate,
  randomGenome,
  randomGenomeDistance,
  runEvolution,
  sourceGenome,
  sourceName,
  weightDiversity,
  type Genome,
  type GenomeEvaluator,
  type GenomeSpace,
  type Measures,
} from '../src/index.js';
import { sameBytes, tinyWeights } from './tiny-models.js';

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
const MUTATION = { rate: 0.3, scale: 0.2, methodRate: 0.2 };

let sources: WeightMap[];
beforeAll(async () => {
  sources = [await tinyWeights(1), await tinyWeights(2), await tinyWeights(3)];
});

const byName = (): Map<string, WeightMap> => new Map(sources.map((weights, i) => [sourceName(i), weights]));

describe('genome', () => {
  it('decodes a source genome to that model exactly, and every method to a mergeable config', async () => {
    for (let i = 0; i < 3; i++) {
      const merged = await mergeWeightMaps(genomeToMergeConfig(sourceGenome(SPACE, i), 3), byName());
      for (const [name, tensor] of sources[i] ?? [])
        expect(sameBytes(merged.get(name) as typeof tensor, tensor), name).toBe(true);
    }
    const rng = Rng.fromSeed(4);
    for (const method of SEARCH_METHODS) {
      const genome = randomGenome(SPACE, rng, method);
      const merged = await mergeWeightMaps(genomeToMergeConfig(genome, 3), byName());
      const depth = method === 'frankenmerge' || method === 'dfs' ? genome.route.length : SPACE.layers;
      expect(countLayers(merged.keys()), method).toBe(depth);
    }
  });

  it('mutates within bounds, reproducibly from a seed', () => {
    const rng = Rng.fromSeed(1);
    let genome = randomGenome(SPACE, rng);
    for (let i = 0; i < 300; i++) {
      genome = mutate(genome, SPACE, MUTATION, rng);
      expect(genome.weights.flat().every((w) => w >= 0 && w <= 1)).toBe(true);
      expect(genome.density.every((d) => d >= 0.1 && d <= 1)).toBe(true);
      expect(genome.t.every((t) => t >= 0 && t <= 1)).toBe(true);
      expect(genome.route.length).toBeGreaterThanOrEqual(1);
      expect(genome.route.length).toBeLessThanOrEqual(SPACE.maxDepth);
      expect(genome.route.every((s) => s.scale >= 0.5 && s.scale <= 1.5 && s.layer < 2 && s.model < 3)).toBe(true);
      expect(genome.other).not.toBe(genome.base);
    }
    const again = (seed: number): Genome =>
      mutate(randomGenome(SPACE, Rng.fromSeed(seed)), SPACE, MUTATION, Rng.fromSeed(seed + 1));
    expect(again(9)).toEqual(again(9));
    expect(genomeHash(again(9))).not.toBe(genomeHash(again(10)));
  });

  it('crosses over gene by gene from the two parents', () => {
    const rng = Rng.fromSeed(2);
    const a = randomGenome(SPACE, rng, 'ties');
    const b = randomGenome(SPACE, rng, 'dare_ties');
    const child = crossover(a, b, SPACE, rng);
    expect([a.method, b.method]).toContain(child.method);
    child.weights.forEach((row, i) =>
      row.forEach((w, g) => expect([a.weights[i]?.[g], b.weights[i]?.[g], SPACE.weightRange[1]]).toContain(w)),
    );
    child.density.forEach((d, i) => expect([a.density[i], b.density[i]]).toContain(d));
  });
});

describe('diversity', () => {
  it('is 0 for a collapsed population, near 1 for a random one, and tracks weight spread', () => {
    const random = randomGenomeDistance(SPACE);
    const rng = Rng.fromSeed(5);
    const one = randomGenome(SPACE, rng);
    expect(
      genomeDiversity(
        Array.from({ length: 8 }, () => one),
        SPACE,
        random,
      ),
    ).toBe(0);
    expect(
      genomeDiversity(
        Array.from({ length: 8 }, () => randomGenome(SPACE, rng)),
        SPACE,
        random,
      ),
    ).toBeGreaterThan(0.7);
    expect(
      weightDiversity(
        [
          [1, 0],
          [1, 0],
        ],
        0.5,
      ),
    ).toBe(0);
    expect(
      weightDiversity(
        [
          [1, 0],
          [0, 1],
        ],
        1,
      ),
    ).toBeCloseTo(Math.SQRT2 / 2, 10);
  });
});

/** A cheap stand-in for model evaluation: perplexity rises with the distance of the linear weights from a target. */
function syntheticEvaluator(): GenomeEvaluator & { calls: string[] } {
  const target = [
    [0.2, 0.9],
    [0.7, 0.1],
    [0.4, 0.4],
  ];
  const calls: string[] = [];
  return {
    sourceCount: 3,
    calls,
    evaluate(genome) {
      calls.push(genomeHash(genome));
      const miss = genome.weights.flat().reduce((sum, w, i) => sum + Math.abs(w - (target.flat()[i] as number)), 0);
      const perplexity = 10 + 10 * miss + (genome.method === 'linear' ? 0 : 3);
      const depth = genome.method === 'frankenmerge' || genome.method === 'dfs' ? genome.route.length : 2;
      const measures: Measures = {
        perplexity,
        loss: Math.log(perplexity),
        accuracy: 0,
        cost: depth,
        meanPonderSteps: 1,
        depth,
        bytes: depth * 1000,
      };
      return Promise.resolve({ measures, fingerprint: genome.weights.flat() });
    },
  };
}

describe('runEvolution', () => {
  it('keeps the best (elitism), evaluates each genome once, boosts when diversity is low, and improves', async () => {
    const evaluator = syntheticEvaluator();
    const settings = {
      generations: 30,
      populationSize: 8,
      elites: 2,
      tournamentSize: 3,
      crossoverRate: 0.9,
      mutation: MUTATION,
      boostFactor: 2,
      immigrants: 2,
      diversityThreshold: 0.3,
      fitness: { perplexity: 0.8, accuracy: 0.1, speed: 0.05, memory: 0.05 },
      search: 'ga' as const,
      cmaes: { method: 'linear' as const, sigma: 0.3 },
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evomerge-search-'));
    const { state } = await runEvolution(settings, {
      evaluator,
      space: SPACE,
      stateFile: path.join(dir, 'state.json'),
      runKey: 'k',
      resume: false,
      rng: Rng.fromSeed(1),
      tracker: Tracker.none(),
      progress: silentProgress,
      signal: new AbortController().signal,
      phase: 'evomerge',
    });
    const best = state.history.map((r) => r.bestFitness);
    expect(best).toHaveLength(31);
    best.slice(1).forEach((value, i) => expect(value).toBeGreaterThanOrEqual(best[i] as number));
    expect(best.at(-1)).toBeGreaterThan(best[0] as number);
    expect(new Set(evaluator.calls).size).toBe(evaluator.calls.length);
    expect(Object.keys(state.cache)).toHaveLength(evaluator.calls.length);
    for (const record of state.history.slice(1)) {
      const previous = state.history[record.generation - 1];
      expect(record.boosted).toBe((previous?.diversity ?? 1) < 0.3);
    }
    // The search converges onto linear recipes, diversity falls below 0.3 and immigrants are injected.
    expect(state.history.some((r) => r.boosted && r.immigrants === 2)).toBe(true);
    state.history.forEach((r) => {
      expect(r.diversity).toBeGreaterThanOrEqual(0);
      expect(r.diversity).toBeLessThanOrEqual(1);
    });
  });
});

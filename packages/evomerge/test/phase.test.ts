import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadModelCheckpoint,
  metricSeries,
  phaseDirName,
  readPhaseResult,
  readRunStore,
  readSafetensorsFile,
  runPipeline,
  tf,
  useBackend,
} from '@agent-forge/core';
import type { PhaseResult } from '@agent-forge/core';
import {
  EVOLUTION_STATE_FILE,
  EvolutionStateSchema,
  evomergePhase,
  gainFromHistory,
  genomeHash,
  genomeSpace,
  heldOutLoss,
  sourceGenome,
  mergeCheckpoints,
  preparePhaseData,
  type MergeConfigInput,
} from '../src/index.js';
import { MICRO_PHASE, makeCognateLikeInput, tempDir } from './evolve-helpers.js';

let input: PhaseResult;

beforeAll(async () => {
  await useBackend('cpu');
  input = await makeCognateLikeInput(tempDir('fixture'));
});

function readState(runDir: string) {
  return EvolutionStateSchema.parse(
    JSON.parse(readFileSync(path.join(runDir, phaseDirName('evomerge'), EVOLUTION_STATE_FILE), 'utf8')),
  );
}

describe('evomerge phase', () => {
  it('evolves a merge that beats the initial population, with elitism, logged gain and a loadable checkpoint', async () => {
    const runsDir = path.join(tempDir('e2e'), 'runs');
    const outcome = await runPipeline({
      phases: [evomergePhase],
      runsDir,
      input,
      phaseConfigs: { evomerge: MICRO_PHASE },
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('evomerge')));
    const state = readState(outcome.runDir);
    const best = state.history.map((record) => record.bestFitness);
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(
      new RegExp(`Winner: \\*\\*${state.population[0]?.method}`),
    );
    expect(best).toHaveLength(MICRO_PHASE.generations + 1);
    // Best source, equal-weight average and winner on every skill's held-out problems, quality apart from speed.
    for (const key of ['bestSource', 'average', 'winner']) {
      for (const skill of ['reasoning', 'memory-integration', 'adaptive-computation'])
        expect(result.metrics[`${key}.skill.${skill}.loss`], `${key} ${skill}`).toBeGreaterThan(0);
      const [fitness, quality, efficiency] = ['fitness', 'quality', 'efficiency'].map(
        (n) => result.metrics[`${key}.${n}`],
      );
      expect((quality as number) + (efficiency as number)).toBeCloseTo(fitness as number, 10);
    }
    expect(result.metrics['bestSource.searchFitness']).toBe(
      Math.max(
        ...[0, 1, 2].map(
          (i) =>
            state.cache[genomeHash(sourceGenome(genomeSpace(evomergePhase.configSchema.parse(MICRO_PHASE), 3, 2), i))]
              ?.fitness ?? -1,
        ),
      ),
    );
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(
      /\| winner \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/,
    );
    best.slice(1).forEach((value, i) => expect(value, `generation ${i + 1}`).toBeGreaterThanOrEqual(best[i] as number));
    expect(best.at(-1)).toBeGreaterThan(best[0] as number);

    // The gain is the one the tracker logged.
    const logged = metricSeries(readRunStore(outcome.runDir), 'evomerge', 'bestFitness');
    expect(logged.map(([step]) => step)).toEqual([0, 1, 2, 3, 4]);
    expect(result.metrics.gainPercent).toBeCloseTo(
      gainFromHistory(logged.map(([, bestFitness]) => ({ bestFitness }))).gainPercent,
      10,
    );
    expect(result.metrics.gainPercent).toBeGreaterThan(0);
    for (const name of ['diversity', 'meanDiversity', 'weightDiversity']) {
      expect(result.metrics[name]).toBeGreaterThanOrEqual(0);
      expect(result.metrics[name]).toBeLessThanOrEqual(1);
    }

    // The saved model is the evaluated best: same held-out loss on the search windows, base's titan settings.
    expect(result.models.map((m) => m.role)).toEqual(['merged']);
    const saved = await loadModelCheckpoint(result.models[0]?.dir as string);
    const bestGenome = state.population[0];
    const source = await loadModelCheckpoint(input.models[bestGenome?.base ?? 0]?.dir as string);
    expect(saved.config.extensions.titan).toEqual(source.config.extensions.titan);
    const data = await preparePhaseData(
      { ...evomergePhase.configSchema.parse(MICRO_PHASE) },
      { preset: 'tiny', seed: 0 },
      saved.tokenizer,
      saved.model.config.contextLength,
    );
    expect(Math.exp(heldOutLoss(saved.model, data.search.windows).loss)).toBeCloseTo(
      result.metrics.bestPerplexity as number,
      4,
    );
    // recipe.json is a merge config over the input checkpoints that rebuilds the saved weights on disk.
    const rebuilt = path.join(tempDir('recipe'), 'merged');
    await mergeCheckpoints(JSON.parse(readFileSync(result.artifacts.recipe as string, 'utf8')) as MergeConfigInput, {
      outDir: rebuilt,
    });
    const { weights } = await readSafetensorsFile(path.join(rebuilt, 'model.safetensors'));
    for (const [name, weight] of saved.model.namedWeights())
      expect(
        Buffer.from(weight.dataSync() as Float32Array).equals(Buffer.from(weights.get(name)?.data as Float32Array)),
        name,
      ).toBe(true);
    saved.model.dispose();
    source.model.dispose();
    // The evaluator's pooled models and every intermediate tensor were released.
    expect(tf.memory().numTensors).toBe(0);
  });

  it('rejects bad settings and inputs naming the field', async () => {
    const runsDir = path.join(tempDir('bad'), 'runs');
    const run = (config: Record<string, unknown>, given: PhaseResult | null = input) =>
      runPipeline({
        phases: [evomergePhase],
        runsDir,
        input: given,
        phaseConfigs: { evomerge: { ...MICRO_PHASE, ...config } },
      });
    await expect(run({ populationSize: 3 })).rejects.toThrow(/phases\.evomerge\.populationSize/);
    await expect(run({ elites: 8 })).rejects.toThrow(/phases\.evomerge\.elites/);
    await expect(run({ methods: ['soup'] })).rejects.toThrow(/phases\.evomerge\.methods/);
    await expect(run({}, null)).rejects.toThrow(/input/);
    await expect(run({}, { ...input, models: input.models.slice(0, 1) })).rejects.toThrow(/at least 2 models/);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadModelCheckpoint,
  metricSeries,
  phaseDirName,
  readRunStore,
  runPipeline,
  tf,
  useBackend,
} from '@agent-forge/core';
import type { PhaseResult } from '@agent-forge/core';
import { EVOLUTION_STATE_FILE, EvolutionStateSchema, evomergePhase } from '../src/index.js';
import { MICRO_PHASE, abortAfterGenerations, makeCognateLikeInput, tempDir } from './evolve-helpers.js';

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

describe('evomerge resume', () => {
  it('resumes a killed search from its last finished generation and ends exactly where an uninterrupted run ends', async () => {
    const runsDir = path.join(tempDir('resume'), 'runs');
    const options = {
      phases: [evomergePhase],
      runsDir,
      input,
      // The smallest search with a generation before and after the kill: the population the schema allows
      // (4: 2 elites + 2 new genomes a generation), generations 0–2, killed after generation 1.
      phaseConfigs: { evomerge: { ...MICRO_PHASE, generations: 2, populationSize: 4, reportProblems: 0 } },
      seed: 3,
    };
    const abort = new AbortController();
    const killed = runPipeline({
      ...options,
      runId: 'killed',
      signal: abort.signal,
      progress: abortAfterGenerations(2, abort),
    });
    await expect(killed).rejects.toThrow(/forge run --resume killed/);
    expect(readState(path.join(runsDir, 'killed')).generation).toBe(1);

    const resumed = await runPipeline({ ...options, resumeRunId: 'killed' });
    const straight = await runPipeline({ ...options, runId: 'straight' });
    expect(resumed.result?.metrics.resumedFromGeneration).toBe(1);
    expect(straight.result?.metrics.resumedFromGeneration).toBe(-1);
    const a = readState(resumed.runDir);
    const b = readState(straight.runDir);
    expect(a.history.map((r) => [r.bestFitness, r.meanFitness, r.bestHash, r.diversity])).toEqual(
      b.history.map((r) => [r.bestFitness, r.meanFitness, r.bestHash, r.diversity]),
    );
    expect(a.population).toEqual(b.population);
    // The resumed run logged generation 2 after the killed one logged 0–1: one value per generation in all.
    expect(metricSeries(readRunStore(resumed.runDir), 'evomerge', 'bestFitness').map(([step]) => step)).toEqual([
      0, 1, 2,
    ]);
    const merged = await Promise.all(
      [resumed, straight].map((run) => loadModelCheckpoint(run.result?.models[0]?.dir as string)),
    );
    for (const [name, weight] of merged[0]?.model.namedWeights() ?? []) {
      const other = merged[1]?.model.namedWeights().get(name) as tf.Variable;
      expect(
        tf.tidy(() => tf.max(tf.abs(tf.sub(weight, other))).dataSync()[0]),
        name,
      ).toBe(0);
    }
    merged.forEach(({ model }) => model.dispose());
  });
});

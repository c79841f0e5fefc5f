import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SPECIAL_IDS,
  heldOutWindows,
  loadDataset,
  loadModelCheckpoint,
  perplexity,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  tf,
  titanRunnerOf,
  useBackend,
} from '@agent-forge/core';
import type { PhaseResult, TinyTitan } from '@agent-forge/core';
import { buildCognateModel, cognatePhase } from '../src/index.js';
import { MICRO_DATA, MICRO_PHASE, abortingProgress, tempDir } from './helpers.js';

const ROLES = ['reasoning', 'memory-integration', 'adaptive-computation'];

/** Options of the uninterrupted run both tests use (cpu: the resume test compares weights bit for bit). */
const STRAIGHT = { phases: [cognatePhase], phaseConfigs: { cognate: MICRO_PHASE }, seed: 1 };
let straight: Awaited<ReturnType<typeof runPipeline>>;

// One uninterrupted run, shared: the first test checks what it made, the resume test compares with it.
beforeAll(async () => {
  await useBackend('cpu');
  straight = await runPipeline({ ...STRAIGHT, runsDir: path.join(tempDir('e2e'), 'runs'), runId: 'straight' });
});

function layout(model: TinyTitan): Array<[string, number[]]> {
  return [...model.namedWeights()].map(([name, weight]) => [name, weight.shape]);
}

async function loadRole(result: PhaseResult, role: string) {
  const entry = result.models.find((model) => model.role === role);
  if (!entry) throw new Error(`no ${role} model`);
  return loadModelCheckpoint(entry.dir, { build: buildCognateModel });
}

/** The phase's held-out windows, rebuilt from the data source and the checkpoint's tokenizer. */
async function heldOutFor(tokenizer: { encode(text: string): number[] }) {
  const { validation } = (await loadDataset(MICRO_DATA)).split({ validationFraction: 0.1, seed: 1 });
  return heldOutWindows(
    validation.tokenize(tokenizer),
    MICRO_PHASE.model.contextLength,
    SPECIAL_IDS.eos,
    MICRO_PHASE.evalWindows,
  );
}

describe('cognate phase', () => {
  it('trains, evaluates and saves three mergeable checkpoints that load back bit-exactly', async () => {
    const result = readPhaseResult(path.join(straight.runDir, phaseDirName('cognate')));
    expect(result.models.map((model) => model.role)).toEqual(ROLES);
    for (const role of ROLES) {
      for (const name of [
        'params',
        'perplexity',
        'accuracy',
        'meanPonderSteps',
        'maxPonderSteps',
        'memoryUpdateRate',
        'msPerForward',
      ]) {
        expect(Number.isFinite(result.metrics[`${role}.${name}`]), `${role}.${name}`).toBe(true);
      }
      expect(result.metrics[`${role}.trainSteps`]).toBe(4);
      expect(result.metrics[`${role}.meanPonderSteps`]).toBeGreaterThanOrEqual(1);
      expect(result.metrics[`${role}.maxPonderSteps`]).toBeLessThanOrEqual(3);
    }
    expect(result.metrics.peakMemoryMb).toBeGreaterThan(0);
    // One trunk, then every specialist on every skill's held-out problems: the 3×3 table (plus the trunk's row).
    expect(result.metrics['trunk.trainSteps']).toBe(4);
    for (const role of ['trunk', ...ROLES]) {
      for (const skill of ROLES) {
        expect(result.metrics[`${role}.skill.${skill}.loss`], `${role} on ${skill}`).toBeGreaterThan(0);
        expect(result.metrics[`${role}.skill.${skill}.accuracy`]).toBeGreaterThanOrEqual(0);
      }
    }
    expect(result.metrics.specialistsBestOnOwnSkill).toBeGreaterThanOrEqual(0);
    const report = readFileSync(result.artifacts.report as string, 'utf8');
    expect(report).toMatch(/\| memory-integration \(memory-integration curriculum\) \| [\d.]+ \/ \d+%/);
    expect(report).toMatch(/\| trunk \(shared start\) \|/);

    const loaded = await Promise.all(ROLES.map((role) => loadRole(result, role)));
    const windows = await heldOutFor(loaded[0]?.tokenizer as { encode(text: string): number[] });
    for (const [index, role] of ROLES.entries()) {
      const { model, config } = loaded[index] as Awaited<ReturnType<typeof loadRole>>;
      expect(existsSync(path.join(result.models[index]?.dir as string, 'tokenizer.json'))).toBe(true);
      expect(layout(model)).toEqual(layout(loaded[0]?.model as TinyTitan));
      expect(model.parameterCount).toBe(result.metrics[`${role}.params`]);
      // Same weights and same ACT/memory settings ⇒ the exact held-out loss the phase measured before saving.
      expect(perplexity(model, windows).perplexity).toBe(result.metrics[`${role}.perplexity`]);
      expect(titanRunnerOf(model).settings.act.threshold).toBe([0.95, 0.9, 0.99][index]);
      expect(config.extensions.titan).toBeDefined();
    }
    // Trained apart: the three checkpoints hold different weights under the same names.
    const embed = (i: number) => loaded[i]?.model.namedWeights().get('embed.weight') as tf.Variable;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(embed(0), embed(1)))).dataSync()[0])).toBeGreaterThan(0);
    loaded.forEach(({ model }) => model.dispose());
  });

  it('resumes an interrupted phase where each model stopped, ending with the uninterrupted run’s weights', async () => {
    const options = { ...STRAIGHT, runsDir: path.join(tempDir('resume'), 'runs') };
    const abort = new AbortController();
    const interrupted = runPipeline({
      ...options,
      runId: 'r1',
      signal: abort.signal,
      progress: abortingProgress('memory-integration', 2, abort),
    });
    await expect(interrupted).rejects.toThrow(/forge run --resume r1/);
    const resumed = await runPipeline({ ...options, resumeRunId: 'r1' });
    const metrics = resumed.result?.metrics ?? {};
    expect([
      metrics['reasoning.resumedFromStep'],
      metrics['memory-integration.resumedFromStep'],
      metrics['adaptive-computation.resumedFromStep'],
      // reasoning finished before the interrupt: its unit's result is reused, not trained or measured again.
    ]).toEqual([0, 2, 0]);
    ROLES.forEach((role) => expect(metrics[`${role}.trainSteps`]).toBe(4));

    const a = await loadRole(resumed.result as PhaseResult, 'memory-integration');
    const b = await loadRole(straight.result as PhaseResult, 'memory-integration');
    for (const [name, weight] of a.model.namedWeights()) {
      const other = b.model.namedWeights().get(name) as tf.Variable;
      expect(
        tf.tidy(() => tf.max(tf.abs(tf.sub(weight, other))).dataSync()[0]),
        name,
      ).toBe(0);
    }
    a.model.dispose();
    b.model.dispose();
  });

  it('rejects a bad config naming the field', async () => {
    const runsDir = path.join(tempDir('bad'), 'runs');
    await expect(
      runPipeline({ phases: [cognatePhase], runsDir, phaseConfigs: { cognate: { actMaxSteps: 0 } } }),
    ).rejects.toThrow(/phases\.cognate\.actMaxSteps/);
    await expect(
      runPipeline({ phases: [cognatePhase], runsDir, phaseConfigs: { cognate: { variants: [] } } }),
    ).rejects.toThrow(/phases\.cognate\.variants/);
  });
});

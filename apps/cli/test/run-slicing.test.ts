import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TinyTitan, saveModelCheckpoint, trainBpe, useBackend } from '@agent-forge/core';
import type { Phase, PhaseName, PipelineState } from '@agent-forge/core';
import { phasesNamed, selectPhases } from '../src/phases.js';
import { readRunInput } from '../src/run-input.js';
import { pickMetric, summaryTable } from '../src/summary.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const fake = (name: PhaseName): Phase => ({
  name,
  description: name,
  configSchema: z.unknown(),
  run: () => Promise.reject(new Error('not run')),
});
const PHASES = [fake('cognate'), fake('evomerge'), fake('quietstar'), fake('bitnet')];

describe('pipeline slices', () => {
  it('selects the phases from --from to --to, both included, and rejects unknown or reversed names', () => {
    expect(selectPhases('evomerge', 'quietstar', PHASES).map((p) => p.name)).toEqual(['evomerge', 'quietstar']);
    expect(selectPhases(undefined, 'evomerge', PHASES).map((p) => p.name)).toEqual(['cognate', 'evomerge']);
    expect(selectPhases('quietstar', undefined, PHASES).map((p) => p.name)).toEqual(['quietstar', 'bitnet']);
    expect(() => selectPhases('bogus', undefined, PHASES)).toThrow(/--from.*'bogus' is not a phase/);
    expect(() => selectPhases('bitnet', 'evomerge', PHASES)).toThrow(/comes after/);
    expect(() => phasesNamed(['cognate', 'edge'], PHASES)).toThrow(/'edge'/);
    expect(selectPhases(undefined, undefined, [])).toEqual([]);
  });

  it('starts from a checkpoint directory as if it were the previous phase’s model', async () => {
    const tokenizer = trainBpe(['a b c', 'a b d'], { vocabSize: 280 });
    const model = new TinyTitan({
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      contextLength: 8,
    });
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-input-')), 'ckpt');
    await saveModelCheckpoint(dir, { model, tokenizer });
    const input = await readRunInput(dir, fake('bitnet'));
    expect(input.phase).toBe('quietstar');
    expect(input.models).toEqual([
      expect.objectContaining({ dir: path.resolve(dir), role: 'input', params: model.parameterCount }),
    ]);
    expect(input.models[0]?.bytes).toBeGreaterThan(0);
    model.dispose();
    await expect(readRunInput(path.join(dir, 'missing'), fake('bitnet'))).rejects.toThrow(/no such directory/);
    const notPhase = mkdtempSync(path.join(os.tmpdir(), 'forge-input-'));
    writeFileSync(path.join(notPhase, 'notes.txt'), 'x');
    await expect(readRunInput(notPhase, fake('bitnet'))).rejects.toThrow(/result\.json/);
  });
});

describe('run summary', () => {
  it('prefers the plain metric, then the output figure, and ignores ratios', () => {
    expect(pickMetric({ perplexity: 3, perplexityAfter: 4 }, 'perplexity')).toBe(3);
    expect(pickMetric({ perplexityBefore: 9, perplexityAfter: 4, perplexityDegradationPct: 1 }, 'perplexity')).toBe(4);
    expect(pickMetric({ accuracyDegradationPct: 5 }, 'accuracy')).toBeUndefined();
  });

  it('prints one aligned row per phase with the result’s own numbers', () => {
    const state = {
      phases: [
        {
          name: 'cognate',
          dir: '01-cognate',
          status: 'done',
          result: {
            phase: 'cognate',
            runId: 'r',
            startedAt: 'x',
            durationMs: 12_345,
            models: [{ dir: 'd', role: 'reasoning', params: 160_388, bytes: 3 * 2 ** 20 }],
            metrics: { perplexity: 12.5, accuracy: 0.25 },
            artifacts: {},
            config: {},
          },
        },
        { name: 'evomerge', dir: '02-evomerge', status: 'pending' },
      ],
    } as unknown as PipelineState;
    const lines = summaryTable(state);
    expect(lines[0]).toMatch(/^phase\s+status\s+time\s+params\s+bytes\s+perplexity\s+accuracy$/);
    expect(lines[2]).toMatch(/^cognate\s+done\s+12\.3 s\s+160,388\s+3\.00 MiB\s+12\.50\s+0\.250$/);
    expect(lines[3]).toMatch(/^evomerge\s+pending(\s+—){5}$/);
  });
});

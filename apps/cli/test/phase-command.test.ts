import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MODEL_PRESETS,
  TinyTitan,
  initBackend,
  readPipelineState,
  saveModelCheckpoint,
  silentProgress,
  trainBpe,
} from '@agent-forge/core';
import type { PhaseResult } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

describe('forge phase bitnet --input', () => {
  it('runs the registered bitnet phase alone on a model from a previous phase', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'forge-phase-'));
    const modelDir = path.join(root, 'prev', 'model');
    const tokenizer = trainBpe(['Question: Tom has 3 apples.\nAnswer: 3+2=5\n#### 5'], { vocabSize: 300 });
    const model = new TinyTitan({
      ...MODEL_PRESETS.tiny,
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      contextLength: 32,
    });
    await saveModelCheckpoint(modelDir, { model, tokenizer });
    model.dispose();
    const previous: PhaseResult = {
      phase: 'evomerge',
      runId: 'prev',
      startedAt: new Date().toISOString(),
      durationMs: 1,
      models: [{ dir: modelDir, role: 'merged', params: 1, bytes: 1 }],
      metrics: {},
      artifacts: {},
      config: {},
    };
    writeFileSync(path.join(root, 'prev', 'result.json'), JSON.stringify(previous));
    const lines: string[] = [];
    const program = createProgram({ print: (line) => lines.push(line), progress: silentProgress });
    const runsDir = path.join(root, 'runs');
    await program.parseAsync([
      'node',
      'forge',
      'phase',
      'bitnet',
      '--input',
      path.join(root, 'prev'),
      '--runs-dir',
      runsDir,
      '--set',
      'phases.bitnet.steps=3',
      '--set',
      'phases.bitnet.evalProblems=0',
      '--set',
      'phases.bitnet.evalWindows=2',
      '--set',
      'phases.bitnet.data={kind: builtin, count: 60, seed: 1, difficulty: 1}',
    ]);
    const runId = /run (\S+) finished/.exec(lines.join('\n'))?.[1] ?? '';
    const state = readPipelineState(path.join(runsDir, runId));
    expect(state.phases.map((p) => [p.name, p.status])).toEqual([['bitnet', 'done']]);
    expect(state.phases[0]?.result?.metrics.ternaryShare).toBeGreaterThan(0.3);
  });
});

// `forge run`'s effects: every phase's models measured on one held-out set. Tests that the items are
// the same for every row (a model measured twice gives the same figures, another model different ones)
// and that no held-out problem is one the run trained on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PipelineStateSchema,
  TinyTitan,
  formatProblem,
  generateProblems,
  loadTokenizer,
  silentProgress,
  saveModelCheckpoint,
  trainBpe,
  useBackend,
  type PipelineState,
} from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EFFECTS_FILE,
  EffectSettingsSchema,
  buildEffectHeldOut,
  effectsTable,
  levelAccuracy,
  measurePipelineEffects,
} from '../src/effects/index.js';

const SEED = 3;
const MICRO = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 64 };
const SETTINGS = EffectSettingsSchema.parse({
  problemsPerDifficulty: 2,
  windows: 4,
  maxNewTokens: 4,
  difficulties: [1, 2],
});
let root: string;
let modelA: string;
let modelB: string;
let dataFile: string;

function gsm8kLine(question: string, answer: string): string {
  return JSON.stringify({ question, answer });
}

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-effects-'));
  // The run's data holds the first three problems the effects would draw at difficulty 1.
  const clashing = generateProblems({ count: 3, seed: SEED + 7919, difficulty: 1 });
  const others = generateProblems({ count: 60, seed: 11, difficulty: 2 });
  const lines = [...clashing, ...others].map((p) => gsm8kLine(p.question, p.answer));
  dataFile = path.join(root, 'data.jsonl');
  writeFileSync(dataFile, `${lines.join('\n')}\n`);
  const tokenizer = trainBpe(
    [...clashing, ...others].map((p) => formatProblem(p).text),
    { vocabSize: 320 },
  );
  modelA = path.join(root, 'a');
  modelB = path.join(root, 'b');
  for (const [dir, seed] of [
    [modelA, 1],
    [modelB, 2],
  ] as const) {
    const model = new TinyTitan(MICRO, { seed });
    await saveModelCheckpoint(dir, { model, tokenizer });
    model.dispose();
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function runState(phases: Array<[string, string]>): PipelineState {
  const now = new Date().toISOString();
  const model = (dir: string) => ({ dir, role: 'main', params: 1, bytes: 1 });
  return PipelineStateSchema.parse({
    version: 1,
    runId: 'r',
    createdAt: now,
    updatedAt: now,
    preset: 'tiny',
    seed: SEED,
    phaseConfigs: {},
    data: { kind: 'gsm8k', path: dataFile },
    input: null,
    phases: phases.map(([name, dir]) => ({
      name,
      dir: name,
      status: 'done',
      result: {
        phase: name,
        runId: 'r',
        startedAt: now,
        durationMs: 1,
        models: [model(dir)],
        metrics: {},
        artifacts: {},
        config: {},
      },
    })),
  });
}

describe('pipeline effects', () => {
  it('draws held-out problems the run never trained on', async () => {
    const state = runState([['cognate', modelA]]);
    const first = await loadTokenizer(path.join(modelA, 'tokenizer.json'));
    const heldOut = await buildEffectHeldOut(state, [], SETTINGS, first, MICRO.contextLength);
    const trained = new Set(
      readFileSync(dataFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { question: string }).question),
    );
    expect(heldOut.levels.map((level) => level.problems.length)).toEqual([2, 2]);
    for (const level of heldOut.levels)
      for (const problem of level.problems) expect(trained.has(problem.question)).toBe(false);
    expect(heldOut.windows.rows).toBeGreaterThan(0);
  });

  it("measures every phase's model on the same items: the same model twice gives identical figures", async () => {
    const runDir = path.join(root, 'run');
    const state = runState([
      ['cognate', modelA],
      ['evomerge', modelA],
      ['bitnet', modelB],
    ]);
    const effects = await measurePipelineEffects(runDir, state, [], SETTINGS, silentProgress);
    const [a1, a2, b] = effects.rows;
    expect(a2?.effect).toEqual(a1?.effect);
    expect(b?.effect.loss).not.toBeCloseTo(a1?.effect.loss ?? 0, 6);
    expect(effects.heldOut.problems).toEqual({ d1: 2, d2: 2 });
    expect(JSON.parse(readFileSync(path.join(runDir, EFFECTS_FILE), 'utf8'))).toEqual(effects);
    const table = effectsTable(effects);
    const delta = (phase: string) => table.find((line) => line.startsWith(phase))?.split(/\s{2,}/)[3];
    expect(delta('cognate')).toBe('—');
    expect(delta('evomerge')).toBe('+0.000');
    expect(Number(delta('bitnet'))).toBeCloseTo((b?.effect.loss ?? 0) - (a1?.effect.loss ?? 0), 3);
  });

  it('scores without the calculator by generating again only the answers the calculator touched', async () => {
    const problems = generateProblems({ count: 4, seed: 5, difficulty: 1 });
    const answerOf = (prompt: string) => problems.find((p) => prompt.includes(p.question))?.finalAnswer ?? '?';
    // With the calculator: problems 0 and 1 use it (0 correct, 1 wrong), 2 is right without it, 3 wrong.
    const withCalculator = async (prompt: string): Promise<string> => {
      const index = problems.findIndex((p) => prompt.includes(p.question));
      if (index === 0) return `<<1+1=2>>2\n#### ${answerOf(prompt)}`;
      if (index === 1) return '<<1+1=2>>2\n#### -1';
      return index === 2 ? `#### ${answerOf(prompt)}` : '#### -1';
    };
    const asked: string[] = [];
    // Without it, the two calculator answers come out the other way round.
    const withoutCalculator = async (prompt: string): Promise<string> => {
      asked.push(prompt);
      const index = problems.findIndex((p) => prompt.includes(p.question));
      return index === 1 ? `#### ${answerOf(prompt)}` : '#### -1';
    };
    const level = await levelAccuracy({ difficulty: 1, problems }, (calculator) =>
      calculator ? withCalculator : withoutCalculator,
    );
    expect(level).toEqual({ difficulty: 1, problems: 4, withCalculator: 0.5, withoutCalculator: 0.5 });
    expect(asked).toHaveLength(2);
  });
});

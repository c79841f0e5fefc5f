// `forge run`'s effects: every phase's models measured on one held-out set. Tests that the items are
// the same for every row (a model measured twice gives the same figures, another model different ones)
// and that no held-out problem is one the run trained on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  CONTROL_PHASE,
  EFFECTS_FILE,
  EffectSettingsSchema,
  buildEffectHeldOut,
  effectsTable,
  levelAccuracy,
  measurePipelineEffects,
  readGsm8kItems,
} from '../src/effects/index.js';
import { loadPipelineConfig } from '../src/pipeline-config.js';

const SEED = 3;
// CI has the shared data beside the repository, as here.
const REAL_GSM8K_TEST = path.resolve(
  fileURLToPath(new URL('../../../', import.meta.url)),
  '../shared/data/gsm8k/test.jsonl',
);
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

describe('final model vs equal-compute control', () => {
  it('effects.gsm8k: an unknown key or a missing file is an error naming it; the real test split reads', async () => {
    const set = (...overrides: string[]) => loadPipelineConfig({ flags: {}, overrides });
    expect(set().effects.gsm8k).toBeUndefined();
    expect(set(`effects.gsm8k.file=${REAL_GSM8K_TEST}`).effects.gsm8k).toEqual({
      file: REAL_GSM8K_TEST,
      problems: 20,
      maxNewTokens: 128,
    });
    expect(() => set(`effects.gsm8k.file=${REAL_GSM8K_TEST}`, 'effects.gsm8k.count=3')).toThrow(
      /field 'effects\.gsm8k\.count'/,
    );
    expect(() => set('effects.gsm8k.file=/no/such/dir/test.jsonl')).toThrow(
      /field 'effects\.gsm8k\.file': no such file: \/no\/such\/dir\/test\.jsonl/,
    );
    expect(() => set('effects.decode.tokens=3')).toThrow(/field 'effects\.decode\.tokens'/);
    const items = await readGsm8kItems({ file: REAL_GSM8K_TEST, problems: 20, maxNewTokens: 128 });
    expect(items.problems).toHaveLength(20);
  });

  it('scores both models on the same first GSM8K problems, times decoding, and prints one measure per line', async () => {
    const file = path.join(root, 'gsm8k-three.jsonl');
    const problems = generateProblems({ count: 3, seed: 21, difficulty: 2 });
    writeFileSync(file, `${problems.map((p) => gsm8kLine(p.question, p.answer)).join('\n')}\n`);
    const settings = EffectSettingsSchema.parse({
      problemsPerDifficulty: 1,
      windows: 2,
      maxNewTokens: 2,
      difficulties: [1],
      gsm8k: { file, problems: 2, maxNewTokens: 4 },
      decode: { promptTokens: 8, newTokens: 2, runs: 1, warmupRuns: 0 },
    });
    const control = { phase: CONTROL_PHASE, role: 'plain', dir: modelB, params: 1, bytes: 4 };
    const runDir = path.join(root, 'run-control');
    const effects = await measurePipelineEffects(
      runDir,
      runState([['cognate', modelA]]),
      [],
      settings,
      silentProgress,
      [control],
    );
    const comparison = effects.finalVsControl;
    expect(comparison?.gsm8k).toEqual({ file, problems: 2, maxNewTokens: 4 });
    expect([comparison?.final.dir, comparison?.control.dir]).toEqual([modelA, modelB]);
    const firstTwo = problems.slice(0, 2).map((p) => p.question);
    expect(comparison?.final.gsm8k?.items.map((item) => item.question)).toEqual(firstTwo);
    expect(comparison?.control.gsm8k?.items.map((item) => item.question)).toEqual(firstTwo);
    expect(comparison?.final.gsm8k?.problems).toBe(2);
    expect(comparison?.final.decode.generatedTokens).toBe(2);
    expect(JSON.parse(readFileSync(path.join(runDir, EFFECTS_FILE), 'utf8'))).toEqual(effects);
    const percent = (value = Number.NaN) => `${Math.round(100 * value)}%`;
    const lines = effectsTable(effects);
    expect(lines).toContain(
      `  GSM8K test accuracy with the calculator (2 problems of gsm8k-three.jsonl): ${percent(comparison?.final.gsm8k?.withCalculator)} vs ${percent(comparison?.control.gsm8k?.withCalculator)}`,
    );
    expect(lines.filter((line) => line.startsWith('  decode ms/token'))).toHaveLength(1);
    const without = EffectSettingsSchema.parse({ ...settings, gsm8k: undefined });
    const unmeasured = await measurePipelineEffects(
      runDir,
      runState([['cognate', modelA]]),
      [],
      without,
      silentProgress,
      [control],
    );
    expect(unmeasured.finalVsControl?.final.gsm8k).toBeNull();
    expect(effectsTable(unmeasured)).toContain(
      '  GSM8K test accuracy: not measured (set effects.gsm8k.file to the GSM8K test split)',
    );
  });
});

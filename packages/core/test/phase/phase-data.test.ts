import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { trainBpe } from '../../src/data/index.js';
import { evaluateQuality } from '../../src/eval/index.js';
import { TinyTitan } from '../../src/model/index.js';
import { preparePhaseData } from '../../src/phase/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const SETTINGS = { validationFraction: 0.1, evalWindows: 4, evalProblems: 3, maxNewTokens: 4 };
const tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more. How many?\nAnswer: 3+2=5\n#### 5'], {
  vocabSize: 300,
});

describe('preparePhaseData and evaluateQuality', () => {
  it('splits the built-in problems into training documents and fixed held-out windows and problems', async () => {
    const ctx = { preset: 'tiny' as const, seed: 3 };
    const first = await preparePhaseData(SETTINGS, ctx, tokenizer, 16);
    const again = await preparePhaseData(SETTINGS, ctx, tokenizer, 16);
    expect(first.trainDocuments.length).toBeGreaterThan(100);
    expect(first.heldOut.windows.rows).toBe(4);
    expect(first.heldOut.windows.cols).toBe(17);
    expect(first.heldOut.problems).toHaveLength(3);
    expect([...again.heldOut.windows.tokens]).toEqual([...first.heldOut.windows.tokens]);
    // Run-wide data wins over the built-in default.
    const given = await preparePhaseData(
      SETTINGS,
      { ...ctx, data: { kind: 'builtin', count: 300, seed: 9, difficulty: 1 } },
      tokenizer,
      16,
    );
    expect(given.trainDocuments.length).toBeLessThan(300);
  });

  it('names the data when it is too small for the context', async () => {
    await expect(
      preparePhaseData(
        SETTINGS,
        { preset: 'tiny', seed: 1, data: { kind: 'builtin', count: 3, seed: 1, difficulty: 1 } },
        tokenizer,
        4096,
      ),
    ).rejects.toThrow(/field 'data'.*too small/);
  });

  it('reports perplexity on the windows, and accuracy only when asked', async () => {
    const { heldOut } = await preparePhaseData(SETTINGS, { preset: 'tiny', seed: 2 }, tokenizer, 16);
    const model = new TinyTitan(
      { vocabSize: tokenizer.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 },
      { seed: 1 },
    );
    const without = await evaluateQuality(model, tokenizer, heldOut, false);
    expect(without.accuracy).toBeUndefined();
    expect(Math.log(without.perplexity)).toBeCloseTo(without.loss, 5);
    const withAccuracy = await evaluateQuality(model, tokenizer, heldOut);
    expect(withAccuracy.accuracy).toBeGreaterThanOrEqual(0);
    expect(withAccuracy.perplexity).toBe(without.perplexity);
    model.dispose();
  });
});

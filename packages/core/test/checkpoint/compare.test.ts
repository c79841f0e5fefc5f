import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { maxWeightDifference, saveModelCheckpoint } from '../../src/checkpoint/index.js';
import { trainBpe } from '../../src/data/tokenizer/index.js';
import { TinyTitan } from '../../src/model/index.js';

const MICRO = { vocabSize: 300, dModel: 8, nLayers: 1, nHeads: 2, contextLength: 8 };

beforeAll(async () => {
  await useBackend('cpu');
});

describe('maxWeightDifference', () => {
  it('is 0 for the same weights, the largest gap otherwise, and an error for different tensors', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'forge-compare-'));
    const tokenizer = trainBpe(['a b c'], { vocabSize: 300 });
    const save = async (name: string, config: typeof MICRO, seed: number, bump = 0): Promise<string> => {
      const model = new TinyTitan(config, { seed });
      const weight = model.namedWeights().get('blocks.0.attn.q.weight');
      if (bump !== 0 && weight) weight.assign(weight.add(bump).mul(1));
      const dir = path.join(root, name);
      await saveModelCheckpoint(dir, { model, tokenizer });
      model.dispose();
      return dir;
    };
    const a = await save('a', MICRO, 1);
    const same = await save('same', MICRO, 1);
    const bumped = await save('bumped', MICRO, 1, 0.25);
    const wider = await save('wider', { ...MICRO, dModel: 16 }, 1);
    expect(await maxWeightDifference(a, same)).toBe(0);
    expect(await maxWeightDifference(a, bumped)).toBeCloseTo(0.25, 6);
    await expect(maxWeightDifference(a, wider)).rejects.toThrow(/different sizes/);
  });
});

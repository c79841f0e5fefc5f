import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { loadModelCheckpoint, saveModelCheckpoint } from '../../src/checkpoint/index.js';
import { saveTokenizer, trainBpe } from '../../src/data/index.js';
import { TinyTitan, registerModelExtension } from '../../src/model/index.js';

beforeAll(async () => {
  await initBackend();
  // An extension that changes nothing in the build: the checkpoint only carries its settings.
  registerModelExtension({
    name: 'note',
    displayName: 'Note',
    referenceUrl: 'https://example.org/note',
    order: 0,
    packageName: 'test',
    plan: (plan) => plan,
  });
});

describe('model checkpoints', () => {
  it('save and load give back the same model, weights bit-exact, and the same tokenizer', async () => {
    const tokenizer = trainBpe(['the cat sat on the mat', 'the dog ate 12 bones'], { vocabSize: 300 });
    const model = new TinyTitan(
      { vocabSize: tokenizer.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 },
      { seed: 4 },
    );
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-model-')), 'ckpt');
    await saveModelCheckpoint(dir, { model, tokenizer, extensions: { note: { a: 1 } }, result: { ok: true } });
    const loaded = await loadModelCheckpoint(dir);
    expect(loaded.config.extensions).toEqual({ note: { a: 1 } });
    expect(loaded.result).toEqual({ ok: true });
    expect(loaded.tokenizer.encode('the cat ate')).toEqual(tokenizer.encode('the cat ate'));
    for (const [name, weight] of model.namedWeights()) {
      expect([...(loaded.model.namedWeights().get(name)?.dataSync() ?? [])], name).toEqual([...weight.dataSync()]);
    }
    const tokens = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    expect([...loaded.model.forward(tokens).dataSync()]).toEqual([...model.forward(tokens).dataSync()]);
    model.dispose();
    loaded.model.dispose();
  });

  it('refuses a checkpoint whose extension is not registered, naming it', async () => {
    const tokenizer = trainBpe(['abc abc'], { vocabSize: 280 });
    const model = new TinyTitan({
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      contextLength: 8,
    });
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-model-')), 'ckpt');
    await saveModelCheckpoint(dir, { model, tokenizer, extensions: { mystery: {} } });
    model.dispose();
    await expect(loadModelCheckpoint(dir)).rejects.toThrow(/extensions\.mystery.*not registered/);
  });

  it('names the file when the weights do not fit the described model', async () => {
    const tokenizer = trainBpe(['abc abc'], { vocabSize: 280 });
    const model = new TinyTitan({
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      contextLength: 8,
    });
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-model-')), 'ckpt');
    await saveModelCheckpoint(dir, { model, tokenizer });
    const config = { architecture: 'tinytitan', model: { ...model.config, nLayers: 2 }, extensions: {} };
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    await expect(loadModelCheckpoint(dir)).rejects.toThrow(/model\.safetensors: weights do not fit the model/);
    model.dispose();
  });

  it('refuses a valid tokenizer.json from another model whose vocabulary is larger, naming the file', async () => {
    const tokenizer = trainBpe(['abc abc'], { vocabSize: 280 });
    const model = new TinyTitan({
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      contextLength: 8,
    });
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-model-')), 'ckpt');
    await saveModelCheckpoint(dir, { model, tokenizer });
    const words = Array.from({ length: 200 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`).join(' ');
    const other = trainBpe([words], { vocabSize: 400 });
    expect(other.vocabSize).toBeGreaterThan(model.config.vocabSize);
    await saveTokenizer(other, path.join(dir, 'tokenizer.json'));
    await expect(loadModelCheckpoint(dir)).rejects.toThrow(
      `${path.join(dir, 'tokenizer.json')}: the tokenizer has ${other.vocabSize} tokens but the model's vocabulary has ${model.config.vocabSize}`,
    );
    model.dispose();
  });
});

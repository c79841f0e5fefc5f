import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BitNetSettingsSchema,
  ForgeError,
  PACKED_FILE,
  TinyTitan,
  bitnetExtension,
  buildModel,
  buildModelWithWeights,
  initBackend,
  loadModelCheckpoint,
  loadPackedModel,
  registerModelExtension,
  saveModelCheckpoint,
  tf,
  trainBpe,
} from '../../src/index.js';

const CONFIG = { vocabSize: 280, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 };
const tokenizer = trainBpe(['abc abd abe'], { vocabSize: 280 });
const tempCheckpoint = (label: string): string =>
  path.join(mkdtempSync(path.join(os.tmpdir(), `forge-ext-${label}-`)), 'ckpt');

beforeAll(async () => {
  await initBackend();
  // Writes one file naming a weight count, or fails on purpose when its settings ask it to.
  registerModelExtension({
    name: 'sidecar-note',
    displayName: 'test sidecar note',
    referenceUrl: 'https://example.org/sidecar-note',
    order: 0,
    packageName: 'test',
    plan: (plan) => plan,
    saveFiles: async (dir, model, settings) => {
      if ((settings as { fail?: boolean }).fail) throw new ForgeError('sidecar refused', { field: 'sidecar' });
      await writeFile(path.join(dir, 'note.txt'), String(model.namedWeights().size));
    },
  });
});

describe('extension save hooks', () => {
  it('write an extension’s own file inside the checkpoint save, for every extension the config names', async () => {
    const model = new TinyTitan(CONFIG, { seed: 1 });
    const dir = tempCheckpoint('note');
    await saveModelCheckpoint(dir, { model, tokenizer, extensions: { 'sidecar-note': {} } });
    expect(readFileSync(path.join(dir, 'note.txt'), 'utf8')).toBe(String(model.namedWeights().size));
    await saveModelCheckpoint(dir, { model, tokenizer });
    expect(existsSync(path.join(dir, 'note.txt'))).toBe(false); // a save without the extension has no file of it
    model.dispose();
  });

  it('a failing hook fails the save and leaves the previous checkpoint whole', async () => {
    const model = new TinyTitan(CONFIG, { seed: 2 });
    const dir = tempCheckpoint('fail');
    await saveModelCheckpoint(dir, { model, tokenizer, extensions: { 'sidecar-note': {} } });
    const before = readdirSync(dir).sort();
    await expect(
      saveModelCheckpoint(dir, { model, tokenizer, extensions: { 'sidecar-note': { fail: true } } }),
    ).rejects.toThrow(/sidecar refused/);
    expect(readdirSync(dir).sort()).toEqual(before);
    const loaded = await loadModelCheckpoint(dir);
    expect(loaded.config.extensions).toEqual({ 'sidecar-note': {} });
    loaded.model.dispose();
    model.dispose();
  });

  it('bitnet’s hook writes the packed file from the saved weights, and refuses a packed file outside the checkpoint', async () => {
    const probe = buildModel(CONFIG);
    // The F32 embedding, so the packed model must equal the latent one bit for bit (the default int8-row
    // embedding moves logits by design; test/ternary covers it within its quantization step).
    const extension = bitnetExtension(probe, BitNetSettingsSchema.parse({ embeddingQuant: 'none' }));
    probe.dispose();
    const model = buildModel(CONFIG, { bitnet: extension }, { seed: 3 });
    const dir = tempCheckpoint('bitnet');
    await saveModelCheckpoint(dir, { model, tokenizer, extensions: { bitnet: extension } });
    expect(existsSync(path.join(dir, PACKED_FILE))).toBe(true);
    const packed = await loadPackedModel(dir);
    const tokens = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const gap = tf.tidy(
      () => tf.max(tf.abs(tf.sub(packed.model.forward(tokens), model.forward(tokens)))).dataSync()[0],
    );
    expect(gap).toBe(0);
    packed.model.dispose();
    await expect(
      saveModelCheckpoint(tempCheckpoint('escape'), {
        model,
        tokenizer,
        extensions: { bitnet: { ...extension, packedFile: '../outside.safetensors' } },
      }),
    ).rejects.toThrow(/extensions\.bitnet\.packedFile/);
    model.dispose();
  });
});

describe('buildModelWithWeights', () => {
  it('loads the weights, frees them, and on a mismatch frees the model too and names the file', () => {
    const source = new TinyTitan(CONFIG, { seed: 5 });
    const copy = (): Map<string, tf.Tensor> =>
      new Map([...source.namedWeights()].map(([name, variable]) => [name, tf.clone(variable)]));
    const base = tf.memory().numTensors;
    const plain = buildModel(CONFIG);
    const modelTensors = tf.memory().numTensors - base;
    plain.dispose();
    const weights = copy();
    const before = tf.memory().numTensors;
    const model = buildModelWithWeights(CONFIG, {}, weights, { file: 'weights.bin' });
    // What is left is the model's own tensors; the given weights were freed.
    expect(tf.memory().numTensors - before).toBe(modelTensors - weights.size);
    for (const [name, variable] of source.namedWeights())
      expect([...(model.namedWeights().get(name)?.dataSync() ?? [])], name).toEqual([...variable.dataSync()]);
    model.dispose();

    const wrong = copy();
    wrong.delete('embed.weight');
    const start = tf.memory().numTensors;
    expect(() => buildModelWithWeights(CONFIG, {}, wrong, { file: 'weights.bin', label: 'decoded weights' })).toThrow(
      /weights\.bin.*decoded weights do not fit the model/,
    );
    expect(tf.memory().numTensors).toBe(start - wrong.size); // the given tensors and the half-built model are freed
    const unknown = copy();
    expect(() => buildModelWithWeights(CONFIG, { nope: {} }, unknown, { file: 'w' })).toThrow(/"nope"/);
    expect([...unknown.values()].every((tensor) => tensor.isDisposed)).toBe(true);
    source.dispose();
  });
});

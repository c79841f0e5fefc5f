import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TinyTitan,
  TitanRunner,
  createTitanModel,
  loadModelCheckpoint,
  parseSafetensorsHeader,
  readSafetensorsFile,
  tf,
  useBackend,
  PACKED_FILE,
  PACKING_NAME,
  absmeanTernary,
  buildBitNetModel,
  loadPackedModel,
  packedTensorNames,
  saveModelCheckpoint,
} from '../../src/index.js';
import type { BitNetSettingsInput } from '../../src/index.js';
import { MICRO, bitnetCopy, maxAbsDifference, microTokenizer, randomTokens, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** `embeddingQuant: 'none'` keeps the embedding F32, so the packed model can match the latent one bit for bit. */
async function savedBitNet(config = MICRO, settings: BitNetSettingsInput = { embeddingQuant: 'none' }) {
  const dense = new TinyTitan(config, { seed: 8 });
  const { model, extension, extensions } = bitnetCopy(dense, settings);
  dense.dispose();
  const dir = path.join(tempDir('ckpt'), 'model');
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions });
  return { model, extension, dir };
}

describe('packed checkpoint', () => {
  it('stores each ternary layer as U8 codes + an F32 scale, names the packing, and is ≥ 8× smaller on disk for those layers', async () => {
    const { model, extension, dir } = await savedBitNet(MICRO, {});
    const packedFile = path.join(dir, PACKED_FILE);
    const { weights, metadata } = await readSafetensorsFile(packedFile);
    expect(metadata['bitnet.packing']).toBe(PACKING_NAME);
    const packedHeader = parseSafetensorsHeader(readFileSync(packedFile), packedFile);
    const fp32Header = parseSafetensorsHeader(readFileSync(path.join(dir, 'model.safetensors')), 'model.safetensors');
    const bytesOf = (header: typeof packedHeader, name: string) => {
      const entry = header.entries.find((e) => e.name === name);
      if (!entry) throw new Error(`no ${name}`);
      return entry.end - entry.begin;
    };
    for (const layer of extension.ternaryLayers) {
      const names = packedTensorNames(layer);
      expect(weights.get(names.packed)?.dtype).toBe('U8');
      expect(weights.get(names.scale)?.dtype).toBe('F32');
      expect(weights.has(`${layer}.weight`)).toBe(false);
      const packedBytes = bytesOf(packedHeader, names.packed) + bytesOf(packedHeader, names.scale);
      expect(bytesOf(fp32Header, `${layer}.weight`) / packedBytes).toBeGreaterThanOrEqual(8);
    }
    // By default the embedding (the tied head) is stored 8-bit with a scale per row.
    expect(extension.settings.embeddingQuant).toBe('int8-row');
    expect(metadata['bitnet.embedding']).toBe('int8-row');
    expect(weights.has('embed.weight')).toBe(false);
    expect(weights.get('embed.weight_q')?.shape).toEqual([MICRO.vocabSize, MICRO.dModel]);
    model.dispose();
  });

  it('unpacks exactly: the packed model gives the trained BitLinear model’s logits bit for bit', async () => {
    const { model, extension, dir } = await savedBitNet();
    const packed = await loadPackedModel(dir);
    expect(packed.extension.ternaryLayers).toEqual(extension.ternaryLayers);
    for (const layer of extension.ternaryLayers) {
      const { ternary, scale } = absmeanTernary(model.namedWeights().get(`${layer}.weight`) as tf.Variable);
      const unpacked = packed.model.namedWeights().get(`${layer}.weight`) as tf.Variable;
      expect(maxAbsDifference(unpacked, tf.mul(ternary, scale))).toBe(0);
    }
    const tokens = randomTokens(2, 2, 10, MICRO.vocabSize);
    expect(maxAbsDifference(packed.model.forward(tokens), model.forward(tokens))).toBe(0);
    expect(packed.tokenizer.encode('Question: 1 + 2')).toEqual(microTokenizer().encode('Question: 1 + 2'));
    packed.model.dispose();
    model.dispose();
  });

  it('loads back the latent checkpoint exactly through loadModelCheckpoint + buildBitNetModel', async () => {
    const { model, dir } = await savedBitNet({ ...MICRO, tiedEmbeddings: false });
    const loaded = await loadModelCheckpoint(dir, { build: buildBitNetModel });
    for (const [name, variable] of model.namedWeights())
      expect(maxAbsDifference(loaded.model.namedWeights().get(name) as tf.Variable, variable)).toBe(0);
    const tokens = randomTokens(3, 1, 12, MICRO.vocabSize);
    expect(maxAbsDifference(loaded.model.forward(tokens), model.forward(tokens))).toBe(0);
    expect(loaded.config.extensions.bitnet).toMatchObject({ version: 1, packedFile: PACKED_FILE });
    loaded.model.dispose();
    model.dispose();
  });

  it('gives clear errors for a dense checkpoint, an inconsistent layer list and an unknown packing', async () => {
    const { model, dir } = await savedBitNet();
    model.dispose();
    expect(() => buildBitNetModel(MICRO, {})).toThrow(/not a BitNet model/);
    const configFile = path.join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      extensions: { bitnet: { ternaryLayers: string[] } };
    };
    expect(() =>
      buildBitNetModel(MICRO, { bitnet: { ...config.extensions.bitnet, ternaryLayers: ['blocks.0.attn.q'] } }),
    ).toThrow(/do not match its settings/);
    const packedFile = path.join(dir, PACKED_FILE);
    writeFileSync(
      packedFile,
      readFileSync(packedFile).toString('latin1').replace(PACKING_NAME, 'ternary-2bit-v9'),
      'latin1',
    );
    await expect(loadPackedModel(dir)).rejects.toThrow(/unknown packing 'ternary-2bit-v9'/);
  });

  it('keeps ACT + memory through conversion: a Titan BitNet checkpoint loads back with its runner, latent and packed', async () => {
    const titan = createTitanModel(
      MICRO,
      { act: { enabled: true, maxSteps: 2 }, memory: { enabled: true } },
      { seed: 2 },
    );
    const { model, extensions } = bitnetCopy(
      titan,
      { embeddingQuant: 'none' },
      { titan: { act: { enabled: true, maxSteps: 2 }, memory: { enabled: true } } },
    );
    titan.dispose();
    expect(model.blockRunner).toBeInstanceOf(TitanRunner);
    const dir = path.join(tempDir('titan'), 'model');
    await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions });
    const loaded = await loadModelCheckpoint(dir);
    const packed = await loadPackedModel(dir);
    const tokens = randomTokens(4, 1, 12, MICRO.vocabSize);
    expect(loaded.model.blockRunner).toBeInstanceOf(TitanRunner);
    expect(maxAbsDifference(loaded.model.forward(tokens), model.forward(tokens))).toBe(0);
    expect(maxAbsDifference(packed.model.forward(tokens), model.forward(tokens))).toBe(0);
    for (const m of [model, loaded.model, packed.model]) m.dispose();
  });
});

import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTERS_DIR,
  ForgeError,
  LoraAdapters,
  buildModel,
  loadAdapterFile,
  loadModelWithAdapters,
  loraExtension,
  readSafetensorsFile,
  saveAdapterFile,
  saveModelCheckpoint,
  tf,
  useBackend,
  writeSafetensorsFile,
} from '../../src/index.js';
import { MICRO, logitsOf, microTokenizer, randomTokens, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const TARGETS = ['blocks.0.attn.q', 'blocks.0.attn.v', 'blocks.0.mlp.up'];

/** A model with slots and adapter `name` holding seeded non-zero matrices. */
function modelWithAdapter(
  name: string,
  seed: number,
): { model: ReturnType<typeof buildModel>; adapters: LoraAdapters } {
  const model = buildModel(MICRO, { lora: loraExtension(TARGETS) }, { seed: 8 });
  const adapters = LoraAdapters.of(model);
  adapters.create(name, { rank: 3, alpha: 1.5 }, seed);
  for (const [tensorName, variable] of adapters.weights(name)) {
    if (tensorName.endsWith('.lora_b')) variable.assign(tf.randomNormal(variable.shape, 0, 0.5, 'float32', seed));
  }
  return { model, adapters };
}

describe('adapter files', () => {
  it('round-trip: save → load gives the same outputs, with rank, alpha, targets and prompt recorded', async () => {
    const dir = tempDir('file');
    const file = path.join(dir, 'math.safetensors');
    const { model, adapters } = modelWithAdapter('math', 3);
    await saveAdapterFile(file, adapters, 'math', '<|persona_2|>Be exact.');
    const tokens = randomTokens(3, 2, 10, 320);
    adapters.activate('math');
    const expected = logitsOf(model, tokens);

    const stored = await readSafetensorsFile(file);
    expect(stored.metadata).toMatchObject({
      format: 'agent-forge-lora',
      persona: 'math',
      prompt: '<|persona_2|>Be exact.',
      rank: '3',
      alpha: '1.5',
    });
    expect(JSON.parse(stored.metadata.targetLayers as string)).toEqual(TARGETS);
    expect([...stored.weights.keys()].sort()).toEqual(
      TARGETS.flatMap((layer) => [`${layer}.lora_a`, `${layer}.lora_b`]).sort(),
    );
    expect(stored.weights.get(`${TARGETS[0]}.lora_a`)?.shape).toEqual([32, 3]);

    const fresh = buildModel(MICRO, { lora: loraExtension(TARGETS) }, { seed: 8 });
    const loaded = LoraAdapters.of(fresh);
    const info = await loadAdapterFile(file, loaded);
    expect(info).toMatchObject({ name: 'math', rank: 3, alpha: 1.5, targetLayers: TARGETS });
    expect(logitsOf(fresh, tokens)).not.toEqual(expected);
    loaded.activate('math');
    expect(logitsOf(fresh, tokens)).toEqual(expected);
    for (const handle of [adapters, loaded]) handle.dispose();
    model.dispose();
    fresh.dispose();
  });

  it('names the file when it is not an adapter or does not fit the model', async () => {
    const dir = tempDir('bad');
    const plain = path.join(dir, 'plain.safetensors');
    await writeSafetensorsFile(plain, new Map([['x', { dtype: 'F32', shape: [1], data: new Float32Array(1) }]]));
    const { model, adapters } = modelWithAdapter('code', 4);
    await expect(loadAdapterFile(plain, adapters)).rejects.toThrow(
      /plain\.safetensors.*not an Agent Forge LoRA adapter/,
    );
    const wide = buildModel({ ...MICRO, dModel: 16 }, { lora: loraExtension(TARGETS) });
    const file = path.join(dir, 'code.safetensors');
    await saveAdapterFile(file, adapters, 'code', 'p');
    await expect(loadAdapterFile(file, LoraAdapters.of(wide))).rejects.toThrow(
      /code\.safetensors.*has shape \[32, 3\], expected \[16, 3\]/,
    );
    adapters.dispose();
    model.dispose();
    wide.dispose();
  });
});

describe('loadModelWithAdapters', () => {
  it('loads the base and every adapter; usePersona switches, null is the base, unknown names list the others', async () => {
    const dir = path.join(tempDir('baked'), 'model');
    const { model, adapters } = modelWithAdapter('math', 5);
    adapters.create('code', { rank: 2, alpha: 2 }, 6);
    for (const [name, variable] of adapters.weights('code'))
      if (name.endsWith('.lora_b')) variable.assign(tf.fill(variable.shape, 0.3));
    await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer() });
    await mkdir(path.join(dir, ADAPTERS_DIR));
    for (const name of ['math', 'code'])
      await saveAdapterFile(path.join(dir, ADAPTERS_DIR, `${name}.safetensors`), adapters, name, name);
    const tokens = randomTokens(6, 1, 12, 320);
    const expected = new Map<string | null, Float32Array>();
    for (const name of [null, 'math', 'code']) {
      adapters.activate(name);
      expected.set(name, logitsOf(model, tokens));
    }

    const baked = await loadModelWithAdapters(dir, { persona: 'code' });
    expect(baked.personas).toEqual(['code', 'math']);
    expect(logitsOf(baked.model, tokens)).toEqual(expected.get('code'));
    baked.usePersona('math');
    expect(logitsOf(baked.model, tokens)).toEqual(expected.get('math'));
    baked.usePersona(null);
    expect(logitsOf(baked.model, tokens)).toEqual(expected.get(null));
    expect(() => baked.usePersona('pirate')).toThrow(ForgeError);
    expect(() => baked.usePersona('pirate')).toThrow(/available: math, code|available: code, math/);
    baked.dispose();
    await expect(loadModelWithAdapters(dir, { persona: 'pirate' })).rejects.toThrow(/unknown persona 'pirate'/);
    writeFileSync(path.join(dir, ADAPTERS_DIR, 'broken.safetensors'), 'not safetensors');
    await expect(loadModelWithAdapters(dir)).rejects.toThrow(/broken\.safetensors/);
    await expect(loadModelWithAdapters(tempDir('empty'))).rejects.toThrow(/not a baked model/);
    adapters.dispose();
    model.dispose();
  });
});

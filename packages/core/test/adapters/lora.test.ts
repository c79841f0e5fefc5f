import { beforeAll, describe, expect, it } from 'vitest';
import { ForgeError, LoraAdapters, buildModel, loraExtension, loraSlotsOf, tf, useBackend } from '../../src/index.js';
import { MICRO, logitsOf, maxAbsDifference, randomTokens } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const TARGETS = ['blocks.0.attn.q', 'blocks.0.attn.k', 'blocks.0.attn.v', 'blocks.0.attn.o'];

/** Sets every B of adapter `name` to seeded noise, so the adapter is visibly non-zero. */
function perturb(adapters: LoraAdapters, name: string): void {
  let seed = 40;
  for (const [tensorName, variable] of adapters.weights(name)) {
    if (tensorName.endsWith('.lora_b')) variable.assign(tf.randomNormal(variable.shape, 0, 0.5, 'float32', seed++));
  }
}

describe('LoRA slots', () => {
  it('leave the base model exactly as it was until an adapter is active', () => {
    const plain = buildModel(MICRO, {}, { seed: 3 });
    const model = buildModel(MICRO, { lora: loraExtension(TARGETS) }, { seed: 3 });
    expect([...model.namedWeights().keys()]).toEqual([...plain.namedWeights().keys()]);
    expect([...loraSlotsOf(model).keys()]).toEqual(TARGETS);
    const adapters = LoraAdapters.of(model);
    adapters.create('math', { rank: 2, alpha: 2 }, 1);
    const tokens = randomTokens(1, 2, 8, 320);
    const base = logitsOf(plain, tokens);
    adapters.activate('math');
    expect(logitsOf(model, tokens)).toEqual(base); // B starts at 0
    perturb(adapters, 'math');
    expect(maxAbsDifference(tf.tensor(logitsOf(model, tokens)), tf.tensor(base))).toBeGreaterThan(1e-3);
    adapters.activate(null);
    expect(logitsOf(model, tokens)).toEqual(base);
    expect(() => adapters.activate('pirate')).toThrow(ForgeError);
    expect(() => adapters.activate('pirate')).toThrow(/unknown persona 'pirate'; available: math/);
    adapters.dispose();
    model.dispose();
    plain.dispose();
  });

  it('rejects a slot list naming layers the model lacks', () => {
    expect(() => buildModel(MICRO, { lora: loraExtension(['blocks.7.attn.q']) })).toThrow(
      /extensions\.lora names layers this model does not have: blocks\.7\.attn\.q/,
    );
    expect(() => buildModel(MICRO, { lora: { version: 1, targetLayers: [] } })).toThrow(
      /extensions\.lora\.targetLayers/,
    );
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  BitNetSettingsSchema,
  LoraAdapters,
  bitnetExtension,
  buildModel,
  loraExtension,
  loraSlotsOf,
  parseModelConfig,
  tf,
  useBackend,
} from '@agent-forge/core';
import { bakeAdapter, encodePrompt, loraTargetLayers, meanKl, mergeAdapter, sampleTrajectories } from '../src/index.js';
import {
  MICRO,
  logitsOf,
  maxAbsDifference,
  microInputs,
  microTokenizer,
  randomTokens,
  trainConfig,
} from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const TARGETS = loraTargetLayers(parseModelConfig(MICRO), ['q', 'k', 'v', 'o']);

/** Sets every B of adapter `name` to seeded noise, so the adapter is visibly non-zero. */
function perturb(adapters: LoraAdapters, name: string): void {
  let seed = 40;
  for (const [tensorName, variable] of adapters.weights(name)) {
    if (tensorName.endsWith('.lora_b')) variable.assign(tf.randomNormal(variable.shape, 0, 0.5, 'float32', seed++));
  }
}

describe('LoRA adapters in baking', () => {
  it('merging a dense adapter into the weights reproduces the active adapter', () => {
    const model = buildModel(MICRO, { lora: loraExtension(TARGETS) }, { seed: 3 });
    const adapters = LoraAdapters.of(model);
    adapters.create('code', { rank: 3, alpha: 6 }, 2);
    perturb(adapters, 'code');
    const tokens = randomTokens(2, 2, 8, 320);
    adapters.activate('code');
    const withAdapter = tf.tensor(logitsOf(model, tokens));
    mergeAdapter(model, adapters, 'code');
    adapters.activate(null);
    expect(maxAbsDifference(tf.tensor(logitsOf(model, tokens)), withAdapter)).toBeLessThan(1e-4);
    adapters.dispose();
    model.dispose();
  });

  it('refuses a head target on a model whose head is tied to the embedding', () => {
    expect(() => loraTargetLayers(parseModelConfig(MICRO), ['head'])).toThrow(/untied output head/);
  });

  it('bakes over a BitNet base: only A and B move, the latent ternary weights stay frozen', async () => {
    const probe = buildModel(MICRO);
    const extensions = { bitnet: bitnetExtension(probe, BitNetSettingsSchema.parse({})) };
    probe.dispose();
    const model = buildModel(MICRO, { ...extensions, lora: loraExtension(TARGETS) }, { seed: 4 });
    const adapters = LoraAdapters.of(model);
    expect(
      loraSlotsOf(model)
        .get(TARGETS[0] as string)
        ?.inner.weights.has(`${TARGETS[0]}.weight`),
    ).toBe(true);
    expect(extensions.bitnet.ternaryLayers).toContain(TARGETS[0]);
    const before = new Map([...model.namedWeights()].map(([name, variable]) => [name, variable.dataSync().slice()]));
    const promptIds = encodePrompt(microTokenizer(), '<|persona_1|>Recall.', 'memory');
    const sampling = { maxNewTokens: 6, temperature: 1, seed: 5, stopTokens: [] };
    const trajectories = await sampleTrajectories(model, adapters, promptIds, microInputs(16, 21), sampling);
    const klBefore = meanKl(model, adapters, promptIds, trajectories, null);
    await bakeAdapter(model, adapters, {
      name: 'memory',
      promptIds,
      trajectories,
      shape: { rank: 4, alpha: 4 },
      seed: 1,
      train: trainConfig({ steps: 12 }),
    });
    for (const [name, variable] of model.namedWeights()) expect(variable.dataSync(), name).toEqual(before.get(name));
    const b = adapters.weights('memory').get(`${TARGETS[0]}.lora_b`) as tf.Variable;
    expect(tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0] as number)).toBeGreaterThan(0);
    expect(meanKl(model, adapters, promptIds, trajectories, 'memory')).toBeLessThan(klBefore);
    adapters.dispose();
    model.dispose();
  });
});

import { useBackend } from '../../src/backend/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { MODEL_PRESETS, TinyTitan } from '../../src/model/index.js';
import { VARIANTS, randomTokens } from './helpers.js';

// The same weights and tokens on the pure-JS reference backend and on wasm (the training default).
describe('forward on the wasm backend', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
  });

  const cases = { 'tiny preset': MODEL_PRESETS.tiny, ...VARIANTS };
  for (const [label, config] of Object.entries(cases)) {
    it(`matches the cpu backend's logits: ${label}`, async () => {
      await useBackend('cpu');
      const model = new TinyTitan(config, { seed: 6 });
      const weights = new Map([...model.namedWeights()].map(([name, weight]) => [name, weight.arraySync()]));
      const tokens = randomTokens(8, 2, 16, model.config.vocabSize).arraySync();
      const onCpu = model.forward(tf.tensor2d(tokens, undefined, 'int32')).dataSync();
      model.dispose();

      expect(await tf.setBackend('wasm')).toBe(true);
      const wasmModel = new TinyTitan(config, { seed: 0 });
      wasmModel.loadWeights(new Map([...weights].map(([name, values]) => [name, tf.tensor(values)])));
      const onWasm = wasmModel.forward(tf.tensor2d(tokens, undefined, 'int32')).dataSync();
      let largest = 0;
      for (let i = 0; i < onCpu.length; i++)
        largest = Math.max(largest, Math.abs((onCpu[i] as number) - (onWasm[i] as number)));
      expect(onWasm.length).toBe(onCpu.length);
      expect(largest).toBeLessThan(1e-4);
      wasmModel.dispose();
    });
  }
});

// Training the model variants the phases train — BitLinear (bitnet, forge-train), LoRA adapters
// (baking), ACT + Titans memory (cognate, quietstar's input) — leaks nothing: tf.memory() after N steps
// equals tf.memory() after 2N, on the default backend (wasm with the native kernels).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LoraAdapters,
  TrainConfigSchema,
  buildModel,
  createBitNetModel,
  createTitanModel,
  initBackend,
  loraExtension,
  ponderingLoss,
  tf,
  train,
  type TrainableModel,
} from '../../src/index.js';
import { streamSource } from './helpers.js';

const MICRO = { vocabSize: 24, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 };
const config = (steps: number) =>
  TrainConfigSchema.parse({ steps, batchSize: 4, lr: 1e-2, warmupSteps: 1, checkpointEvery: 0, logEvery: 1 });

beforeAll(async () => {
  await initBackend();
});

/** Trains `model` N steps, then 2N more, and returns tf.memory() after each. */
async function memoryAfterNand2N(model: TrainableModel): Promise<[tf.MemoryInfo, tf.MemoryInfo]> {
  const data = streamSource();
  await train({ model, data, config: config(3) });
  const afterN = tf.memory();
  await train({ model, data, config: config(6) });
  return [afterN, tf.memory()];
}

function expectFlat([afterN, after2N]: [tf.MemoryInfo, tf.MemoryInfo]): void {
  expect(after2N.numTensors).toBe(afterN.numTensors);
  expect(after2N.numBytes).toBe(afterN.numBytes);
}

describe('training leaks nothing', () => {
  it('BitLinear (absmean ternary weights, absmax 8-bit activations, straight-through)', async () => {
    const model = createBitNetModel(MICRO, {}, 2);
    expectFlat(await memoryAfterNand2N(model));
    model.dispose();
  });

  it('LoRA adapters on a frozen base', async () => {
    const model = buildModel(MICRO, { lora: loraExtension(['blocks.0.attn.q', 'blocks.0.mlp.down']) }, { seed: 3 });
    const adapters = LoraAdapters.of(model);
    adapters.create('persona', { rank: 2, alpha: 4 }, 5);
    adapters.activate('persona');
    const objective: TrainableModel = {
      namedWeights: () => adapters.weights('persona'),
      loss: (tokens) => model.loss(tokens),
    };
    expectFlat(await memoryAfterNand2N(objective));
    adapters.dispose();
    model.dispose();
  });

  it('ACT halting and the Titans memory, with the ponder cost', async () => {
    const model = createTitanModel(MICRO, { act: { maxSteps: 2 }, memory: { chunkSize: 4 } }, { seed: 4 });
    expectFlat(await memoryAfterNand2N(ponderingLoss(model)));
    model.dispose();
  });
});

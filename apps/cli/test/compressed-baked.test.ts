// The pipeline's final model is compression's output of a baked model: it keeps the adapters, so
// `forge chat --persona` and the CLI's loader switch persona on it as on the baked model, and the after-run
// effects measure it with the same persona as the baked rows — on the same items, the baked model's figure
// equals compression's own "before" and the compressed model's its "after".
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  ADAPTERS_DIR,
  BitNetSettingsSchema,
  LoraAdapters,
  bitnetExtension,
  buildModel,
  createBitNetModel,
  formatProblem,
  generateProblems,
  loraExtension,
  preparePhaseData,
  resolvePhaseConfig,
  saveAdapterFile,
  saveModelCheckpoint,
  tf,
  trainBpe,
  useBackend,
} from '@agent-forge/core';
import type { TokenWindows } from '@agent-forge/core';
import { compressionPhase } from '@agent-forge/compression';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCommand } from '../src/commands/chat.js';
import { measureModelDir } from '../src/effects/index.js';
import { loadEdgeModel } from '../src/load-model.js';
import { compressDeployable } from './compress-deployable.js';

const MICRO = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32, initStd: 0.3 };
const TARGETS = ['blocks.0.attn.q', 'blocks.0.mlp.down'];
const PHASE_CONFIG = {
  evalWindows: 3,
  budgetWindows: 1,
  calibrationWindows: 1,
  evalProblems: 1,
  maxNewTokens: 2,
  data: { kind: 'builtin', count: 120, seed: 3, difficulty: 1 },
  // Lossless, so the compressed model is the baked one exactly.
  candidates: [{ method: 'ternary-base3' }, { method: 'fp32' }],
  methodReports: false,
};
let root: string;
let bakedDir: string;
let compressedDir: string;
let metrics: Record<string, number>;

/** A baked BitNet model: checkpoint with its packed file, and two personas with non-zero updates. */
async function saveBaked(dir: string): Promise<void> {
  const texts = generateProblems({ count: 100, seed: 1, difficulty: 1 }).map((p) => formatProblem(p).text);
  const tokenizer = trainBpe(texts, { vocabSize: MICRO.vocabSize });
  const model = createBitNetModel(MICRO, {}, 4);
  const bitnet = bitnetExtension(model, BitNetSettingsSchema.parse({}));
  await saveModelCheckpoint(dir, { model, tokenizer, extensions: { bitnet } });
  model.dispose();
  const slots = buildModel(MICRO, { lora: loraExtension(TARGETS) }, { seed: 4 });
  const adapters = LoraAdapters.of(slots);
  mkdirSync(path.join(dir, ADAPTERS_DIR));
  for (const [index, name] of ['calculator', 'terse'].entries()) {
    adapters.create(name, { rank: 2, alpha: 4 }, index + 1);
    for (const [tensor, weight] of adapters.weights(name))
      if (tensor.endsWith('lora_b'))
        tf.tidy(() => weight.assign(tf.randomNormal(weight.shape, 0, 0.5, 'float32', index)));
    await saveAdapterFile(path.join(dir, ADAPTERS_DIR, `${name}.safetensors`), adapters, name, name);
  }
  adapters.dispose();
  slots.dispose();
}

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-compressed-baked-'));
  bakedDir = path.join(root, 'baked');
  await saveBaked(bakedDir);
  const { result } = await compressDeployable(bakedDir, path.join(root, 'runs'), {
    phaseConfig: PHASE_CONFIG,
    seed: 1,
  });
  compressedDir = result.models[0]?.dir as string;
  metrics = result.metrics;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Compression's own held-out windows (its config, the run's seed and preset). */
async function compressionWindows(): Promise<TokenWindows> {
  const edge = await loadEdgeModel(bakedDir, { float: true });
  try {
    const config = resolvePhaseConfig(compressionPhase, 'tiny', PHASE_CONFIG);
    const data = await preparePhaseData(config, { preset: 'tiny', seed: 1 }, edge.tokenizer, MICRO.contextLength, {
      trains: false,
    });
    return data.heldOut.windows;
  } finally {
    edge.dispose();
  }
}

describe('a compressed baked model in the CLI', () => {
  it('loads with its personas and switches them like the baked model', async () => {
    const compressed = await loadEdgeModel(compressedDir, { persona: 'terse' });
    const baked = await loadEdgeModel(bakedDir, { persona: 'terse', float: true });
    const ids = tf.tensor2d([[1, 5, 9, 13, 17, 21]], [1, 6], 'int32');
    const gap = (): number =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(compressed.model.forward(ids), baked.model.forward(ids)))).dataSync()[0] ?? 0);
    try {
      expect(compressed.kind).toBe('baked');
      expect(compressed.personas).toEqual(['calculator', 'terse']);
      // Lossless candidates and the same float computation (W_q·γ behind BitLinear's activation quantizer).
      expect(gap()).toBe(0);
      compressed.usePersona?.('calculator');
      expect(gap()).toBeGreaterThan(1e-2);
      baked.usePersona?.('calculator');
      expect(gap()).toBe(0);
    } finally {
      ids.dispose();
      compressed.dispose();
      baked.dispose();
    }
  });

  it('forge chat --persona runs on it', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    input.end('/persona calculator\n/exit\n');
    await chatCommand({ modelDir: compressedDir, persona: 'terse', input, output, maxTokens: 2 });
    expect(text).toContain('personas: calculator, terse');
    expect(text).toContain('(persona: calculator)');
  });

  it("the effects score it with the baked rows' persona: on compression's items, its before and after", async () => {
    const heldOut = { windows: await compressionWindows(), levels: [], maxNewTokens: 2 };
    const baked = await measureModelDir(bakedDir, heldOut);
    const compressed = await measureModelDir(compressedDir, heldOut);
    expect(baked.persona).toBe('calculator');
    expect(compressed.persona).toBe('calculator');
    expect(baked.loss).toBeCloseTo(metrics.heldOutLossBefore as number, 5);
    expect(compressed.loss).toBeCloseTo(metrics.heldOutLossAfter as number, 5);
    expect(compressed.loss).toBeCloseTo(baked.loss, 5);
  });
});

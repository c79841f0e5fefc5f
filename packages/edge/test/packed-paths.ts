import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILES, loadModelWithAdapters, loadPackedModel, tf } from '@agent-forge/core';
import type { TinyTitan } from '@agent-forge/core';
import { expect, vi } from 'vitest';
import { loadBakedEdgeModel, loadPackedKernelModel, streamTokens, writeDeployable } from '../src/index.js';
import { TARGETS, randomIds, saveBakedDir, saveBitNetDir, tempDir } from './helpers.js';

async function greedy(model: TinyTitan, prompt: number[], count: number): Promise<number[]> {
  const tokens: number[] = [];
  for await (const token of streamTokens(model, prompt, { maxNewTokens: count })) tokens.push(token);
  return tokens;
}

/**
 * The packed model against the dequantized float one on the active backend: a 9-token prompt in one
 * forward (the batched kernel) reads nothing more back to the host than the float path does, its logits match within the
 * activation-quantization tolerance, and cached greedy decoding gives the same tokens.
 */
export async function expectPackedMatchesFloat(label: string): Promise<void> {
  const dir = tempDir(label);
  try {
    await saveBitNetDir(dir, { seed: 11 });
    const packed = await loadPackedKernelModel(dir);
    const float = await loadPackedModel(dir);
    const prompt = randomIds(12, 9, 320);
    const input = tf.tensor2d(prompt, [1, prompt.length], 'int32');
    // wasm's own Gather and Slice read small tensors back; the packed layers must add no read of their own.
    const readBack = vi.spyOn(tf.backend(), 'readSync');
    const b = float.model.forward(input);
    const floatReads = readBack.mock.calls.length;
    readBack.mockClear();
    const before = tf.memory().numTensors;
    const a = packed.model.forward(input);
    expect(readBack.mock.calls.length).toBe(floatReads);
    readBack.mockRestore();
    // The kernel's intermediates are freed: only the logits remain.
    expect(tf.memory().numTensors).toBe(before + 1);
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
    const range = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0] as number);
    expect(gap).toBeLessThan(1e-3 * range);
    expect(await greedy(packed.model, prompt, 8)).toEqual(await greedy(float.model, prompt, 8));
    tf.dispose([input, a, b]);
    packed.model.dispose();
    float.model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function maxGap(a: tf.Tensor, b: tf.Tensor): { gap: number; range: number } {
  return tf.tidy(() => ({
    gap: tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number,
    range: tf.max(tf.abs(b)).dataSync()[0] as number,
  }));
}

/**
 * A baked BitNet model's deployable (no F32 `model.safetensors`) loaded by edge keeps its ternary layers
 * packed (no float weight for them) and, with the persona active and without, gives the logits of core's
 * float loader on the baked checkpoint (latent weights, BitLinear).
 */
export async function expectBakedPackedMatchesFloat(label: string): Promise<void> {
  const root = tempDir(label);
  try {
    const source = path.join(root, 'baked');
    // An F32 embedding, so the latent float model is the exact reference: this compares the ternary kernel
    // and the adapters beside it. The default 8-bit embedding alone moves this random micro model's logits
    // by ~2 % of their range (~8 % with ACT halting), which is the embedding's quantization, not the kernel's.
    await saveBakedDir(source, { embeddingQuant: 'none' });
    const deployable = path.join(root, 'deployable');
    const summary = await writeDeployable(source, deployable);
    expect(summary.hasAdapters).toBe(true);
    expect(existsSync(path.join(deployable, CHECKPOINT_FILES.weights))).toBe(false);
    const packed = await loadBakedEdgeModel(deployable, { persona: 'terse' });
    const float = await loadModelWithAdapters(source, { persona: 'terse' });
    const weights = [...packed.model.namedWeights().keys()];
    for (const layer of TARGETS) expect(weights).not.toContain(`${layer}.weight`);
    expect(weights).toContain('embed.weight');
    const input = tf.tensor2d(randomIds(13, 10, 320), [1, 10], 'int32');
    const withPersona = [packed.model.forward(input), float.model.forward(input)] as const;
    packed.usePersona?.(null);
    float.usePersona(null);
    const base = [packed.model.forward(input), float.model.forward(input)] as const;
    for (const [a, b] of [withPersona, base]) {
      const { gap, range } = maxGap(a, b);
      expect(gap).toBeLessThan(1e-3 * range);
    }
    // The adapter must matter, or the comparison above would not show that it runs on the packed base.
    const { gap: personaEffect, range } = maxGap(withPersona[0], base[0]);
    expect(personaEffect).toBeGreaterThan(0.05 * range);
    tf.dispose([input, ...withPersona, ...base]);
    packed.dispose();
    float.dispose();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

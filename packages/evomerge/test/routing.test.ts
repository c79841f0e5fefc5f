import {
  MODEL_PRESETS,
  TinyTitan,
  hostTensor,
  tf,
  useBackend,
  weightsToTf,
  type HostTensor,
  type WeightMap,
} from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { RESIDUAL_WRITER_SUFFIXES, decodeGenome, mergeWeightMaps, parseLayerName } from '../src/index.js';
import { forgeError } from './helpers.js';
import { sameBytes, tinyWeights } from './tiny-models.js';

describe('frankenmerge', () => {
  it('stacks exactly the requested layers, in order, renumbered from 0, byte for byte', async () => {
    const a = await tinyWeights(1, 3);
    const b = await tinyWeights(2, 3);
    const merged = await mergeWeightMaps(
      {
        merge_method: 'frankenmerge',
        slices: [
          { sources: [{ model: 'b', layer_range: [2, 3] }] },
          { sources: [{ model: 'a', layer_range: [0, 2] }] },
          { sources: [{ model: 'b', layer_range: [0, 1] }] },
        ],
      },
      new Map([
        ['a', a],
        ['b', b],
      ]),
    );
    const donors: [typeof a, number][] = [
      [b, 2],
      [a, 0],
      [a, 1],
      [b, 0],
    ];
    const layers = new Set([...merged.keys()].flatMap((name) => parseLayerName(name)?.layer ?? []));
    expect([...layers].sort()).toEqual([0, 1, 2, 3]);
    for (const [name, tensor] of merged) {
      const parsed = parseLayerName(name);
      // Outside the blocks: embeddings from the first slice's model, final norm from the last's (both b).
      const donor =
        parsed === undefined
          ? b.get(name)
          : donors[parsed.layer]?.[0].get(`blocks.${donors[parsed.layer]?.[1]}.${parsed.suffix}`);
      expect(donor, name).toBeDefined();
      expect(sameBytes(tensor, donor as typeof tensor), name).toBe(true);
    }
    const blockTensors = [...a.keys()].filter((name) => name.startsWith('blocks.0.')).length;
    expect(merged.size).toBe(a.size - 3 * blockTensors + 4 * blockTensors);
    // b's and a's layers really differ, so the byte checks above tell the donors apart.
    expect(sameBytes(a.get('blocks.0.attn.q.weight') as never, b.get('blocks.0.attn.q.weight') as never)).toBe(false);
  });

  it('rejects a layer range past the end of its model, naming the field', async () => {
    const a = await tinyWeights(1);
    const error = await forgeError(
      mergeWeightMaps(
        { merge_method: 'frankenmerge', slices: [{ sources: [{ model: 'a', layer_range: [1, 5] }] }] },
        new Map([['a', a]]),
      ),
    );
    expect(error.field).toBe('slices[0].sources[0].layer_range');
    expect(error.message).toMatch(/runs past 'a', which has 2 layers/);
  });
});

describe('dfs', () => {
  it('decodes Sakana’s genome: slots of all models’ layers × repeats, included when > 0, scaled by W[previous][next]', () => {
    const layers = [
      { model: 'a', layer: 0 },
      { model: 'a', layer: 1 },
      { model: 'b', layer: 0 },
    ];
    const scales = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ];
    // T = 3 layers × 2 repeats: slots a0 a1 b0 | a0 a1 b0
    const steps = decodeGenome({ repeats: 2, include: [1, 0, 0.5, 0, 1, -1], scales }, layers);
    expect(steps).toEqual([
      { model: 'a', layer: 0, inputScale: 1 }, // the first layer's input is not scaled
      { model: 'b', layer: 0, inputScale: 3 }, // previous a0 (0) → b0 (2): W[0][2]
      { model: 'a', layer: 1, inputScale: 8 }, // previous b0 (2) → a1 (1): W[2][1]
    ]);
  });

  it('folds the input scales into the residual writers: o and down of step k divided by s₁⋯s_k', async () => {
    const a = await tinyWeights(1);
    const b = await tinyWeights(2);
    const merged = await mergeWeightMaps(
      {
        merge_method: 'dfs',
        models: [{ model: 'a' }, { model: 'b' }],
        dfs: {
          route: [
            { model: 'b', layer: 1, scale: 2 },
            { model: 'a', layer: 0, scale: 0.5 },
            { model: 'a', layer: 1, scale: 4 },
          ],
        },
      },
      new Map([
        ['a', a],
        ['b', b],
      ]),
    );
    const cumulative = [2, 1, 4];
    const donors: [typeof a, number][] = [
      [b, 1],
      [a, 0],
      [a, 1],
    ];
    for (const [step, [donor, layer]] of donors.entries()) {
      for (const [name, tensor] of donor) {
        const parsed = parseLayerName(name);
        if (parsed?.layer !== layer) continue;
        const out = merged.get(`blocks.${step}.${parsed.suffix}`);
        const factor = RESIDUAL_WRITER_SUFFIXES.includes(parsed.suffix) ? 1 / (cumulative[step] as number) : 1;
        expect([...(out?.data ?? [])], `${step} ${parsed.suffix}`).toEqual(
          [...tensor.data].map((v) => Math.fround(v * factor)),
        );
      }
    }
    expect(merged.has('blocks.3.attn.q.weight')).toBe(false);
    expect(sameBytes(merged.get('embed.weight') as never, a.get('embed.weight') as never)).toBe(true); // base = first model
  });

  it('the fold is exact in TinyTitan: a path scaled by s on entry computes what the unscaled model fed s·embedding does', async () => {
    // B(s·x) = s·B'(x) for the pre-norm block with o and down divided by s, so a route whose input
    // scales multiply to C runs as a model fed C·embedding, up to the final RMSNorm (which removes C)
    // and the tied head (which the scaled embedding scales by C too): logits_ref = C·logits_merged.
    // Embeddings are multiplied by 10 first so the norms' epsilon (1e-5) is negligible next to the
    // hidden state's mean square.
    const source = await tinyWeights(1);
    const embed = source.get('embed.weight') as HostTensor;
    const scaledEmbed = (factor: number) =>
      hostTensor(
        'F32',
        embed.shape,
        Float32Array.from(embed.data as Float32Array, (v) => v * 10 * factor),
      );
    const a = new Map(source).set('embed.weight', scaledEmbed(1));
    const s = 2.5;
    // Both steps are divided by the cumulative scale C = 2.5 · 1: dividing the second by its own
    // scale (1) only would not match the reference.
    const merged = await mergeWeightMaps(
      {
        merge_method: 'dfs',
        models: [{ model: 'a' }],
        dfs: {
          route: [
            { model: 'a', layer: 0, scale: s },
            { model: 'a', layer: 1, scale: 1 },
          ],
        },
      },
      new Map([['a', a]]),
    );
    const reference = new Map(source).set('embed.weight', scaledEmbed(s));
    const tokens = [[3, 17, 42, 99, 7, 250]];
    const [mergedLogits, referenceLogits] = [await logitsOf(merged, tokens), await logitsOf(reference, tokens)];
    let worst = 0;
    let largest = 0;
    referenceLogits.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - s * (mergedLogits[i] as number)));
      largest = Math.max(largest, Math.abs(value));
    });
    // Measured: 9e-5 of the largest logit (the norms' epsilon and float32); unfolded: 1.7e-2.
    expect(worst / largest).toBeLessThan(3e-4);
    // The unfolded model (the same blocks, unscaled) is far further off: the check can tell.
    const plain = await logitsOf(new Map(a), tokens);
    const unfolded = Math.max(...referenceLogits.map((v, i) => Math.abs(v - s * (plain[i] as number))));
    expect(unfolded / largest).toBeGreaterThan(20 * (worst / largest));
  });
});

/** TinyTitan (tiny preset) logits for `tokens` with `weights` loaded, as plain numbers. */
async function logitsOf(weights: WeightMap, tokens: number[][]): Promise<number[]> {
  await useBackend('cpu');
  const model = new TinyTitan(MODEL_PRESETS.tiny, { seed: 0 });
  const tensors = weightsToTf(weights);
  try {
    model.loadWeights(tensors);
    return tf.tidy(() => [...model.forward(tf.tensor2d(tokens, undefined, 'int32')).dataSync()]);
  } finally {
    for (const tensor of tensors.values()) tensor.dispose();
    model.dispose();
  }
}

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
      new Map([['a', a], ['b', b]]),
    );
    const donors: [typeof a, number][] = [[b, 2], [a, 0], [a, 1], [b, 0]];
    const layers = new Set([...merged.keys()].flatMap((name) => parseLayerName(name)?.layer ?? []));
    expect([...layers].sort()).toEqual([0, 1, 2, 3]);
    for (const [name, tensor] of merged) {
      const parsed = parseLayerName(name);
      // Outside the blocks: the first slice's model (b).
      const donor = parsed === undefined ? b.get(name) : donors[parsed.layer]?.[0].get(`blocks.${donors[parsed.layer]?.[1]}.${parsed.suffix}`);
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
    const error = await forgeError(mergeWeightMaps({ merge_method: 'frankenmerge', slices: [{ sources: [{ model: 'a', layer_range: [1, 5] }] }] }, new Map([['a', a]])));
    expect(error.field).toBe('slices[0].sources[0].layer_range');
    expect(error.message).toMatch(/runs past 'a', which has 2 layers/);
  });
});

describe('dfs', () => {
  it('decodes Sakana’s genome: slots of all models’ layers × repeats, included when > 0, scaled by W[previous][next]', () => {
    const layers = [{ model: 'a', layer: 0 }, { model: 'a', layer: 1 }, { model: 'b', layer: 0 }];
    const scales = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
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
      { merge_method: 'dfs', models: [{ model: 'a' }, { model: 'b' }], dfs: { route: [{ model: 'b', layer: 1, scale: 2 }, { model: 'a', layer: 0, scale: 0.5 }, { model: 'a', layer: 1, scale: 4 }] } },
      new Map([['a', a], ['b', b]]),
    );
    const cumulative = [2, 1, 4];
    const donors: [typeof a, number][] = [[b, 1], [a, 0], [a, 1]];
    for (const [step, [donor, layer]] of donors.entries()) {
      for (const [name, tensor] of donor) {
        const parsed = parseLayerName(name);
        if (parsed?.layer !== layer) continue;
        const out = merged.get(`blocks.${step}.${parsed.suffix}`);
        const factor = RESIDUAL_WRITER_SUFFIXES.includes(parsed.suffix) ? 1 / (cumulative[step] as number) : 1;
        expect([...(out?.data ?? [])], `${step} ${parsed.suffix}`).toEqual([...tensor.data].map((v) => Math.fround(v * factor)));
      }
    }
    expect(merged.has('blocks.3.attn.q.weight')).toBe(false);
    expect(sameBytes(merged.get('embed.weight') as never, a.get('embed.weight') as never)).toBe(true); // base = first model
  });

  it('the fold is exact: a pre-norm block fed s·h equals s × the folded block fed h (so the final norm sees the same)', () => {
    // Tiny pre-norm residual block with RMSNorm (eps 0): B(h) = u + relu(norm(u)·U)·D, u = h + norm(h)·O.
    const rms = (h: number[]) => {
      const r = Math.sqrt(h.reduce((s, v) => s + v * v, 0) / h.length);
      return h.map((v) => v / r);
    };
    const matmul = (x: number[], w: number[][]) => w[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * w[i]![j]!, 0));
    const block = (h: number[], o: number[][], up: number[][], down: number[][]) => {
      const u = h.map((v, i) => v + matmul(rms(h), o)[i]!);
      const hidden = matmul(rms(u), up).map((v) => Math.max(0, v));
      return u.map((v, i) => v + matmul(hidden, down)[i]!);
    };
    const scaleMatrix = (w: number[][], f: number) => w.map((row) => row.map((v) => v * f));
    const o = [[0.3, -0.2], [0.5, 0.1]];
    const up = [[1, -0.5, 0.2], [0.4, 0.3, -1]];
    const down = [[0.2, 0.7], [-0.3, 0.1], [0.5, -0.4]];
    const h = [0.7, -1.3];
    const [s1, s2] = [2.5, 0.3];
    // Routed path with input scales: h2 = B(s2·B(s1·h)).
    const scaledPath = block(block(h.map((v) => v * s1), o, up, down).map((v) => v * s2), o, up, down);
    const c1 = s1;
    const c2 = s1 * s2;
    const folded = block(block(h, scaleMatrix(o, 1 / c1), up, scaleMatrix(down, 1 / c1)), scaleMatrix(o, 1 / c2), up, scaleMatrix(down, 1 / c2));
    scaledPath.forEach((v, i) => expect(v).toBeCloseTo(c2 * folded[i]!, 10));
    rms(scaledPath).forEach((v, i) => expect(v).toBeCloseTo(rms(folded)[i]!, 10));
  });
});

/**
 * VPTQ-style vector quantization (Liu et al. 2024): the tensor is cut into vectors of v consecutive
 * weights (for a `[in, out]` linear weight, v weights of one input channel — the grouping VPTQ uses, so
 * a vector shares one Hessian-diagonal importance), a k-entry codebook is learned by (importance-
 * weighted) k-means, and each vector is stored as a ⌈log2 k⌉-bit index. An optional residual codebook
 * quantizes what is left. Codebooks are stored in fp16 and counted in bits/weight.
 * Not done here: VPTQ's second-order error feedback (GPTQ-style column updates through H⁻¹) and its
 * channel permutation / outlier codebooks; with H = I and no feedback VPTQ is exactly this k-means VQ.
 */
import { decodeFloat16, encodeFloat16 } from '@agent-forge/core';
import type { HostTensor, Rng } from '@agent-forge/core';
import { z } from 'zod';
import { indexBits, packBits, unpackBits } from '../bit-packing.js';
import { numberParam, requirePart, sizeOf, type Compressor, type EncodeContext } from '../compressor.js';
import { kMeans, nearestCentroid } from './kmeans.js';

/** Settings of `vptq`; bits/weight ≈ ⌈log2 k⌉/v plus the fp16 codebook(s) spread over the tensor. */
export const VptqSettingsSchema = z
  .object({
    /** v: weights per vector. */
    vectorLength: z.number().int().min(1).max(16).default(4),
    /** k: main codebook entries (index bits = ⌈log2 k⌉). */
    codebookSize: z.number().int().min(2).max(65536).default(256),
    /** Entries of the residual codebook; 0 = none. */
    residualCodebookSize: z.number().int().min(0).max(65536).default(0),
    /** Lloyd iterations per codebook. */
    iterations: z.number().int().min(1).max(200).default(12),
    /** k-means learns from at most this many vectors (a seeded sample), then every vector is assigned. */
    maxTrainVectors: z.number().int().min(16).default(16384),
    /** Weight k-means by the input-channel importance the phase measures (when it gives one). */
    importanceWeighting: z.boolean().default(true),
  })
  .strict();
/** Parsed `vptq` settings. */
export type VptqSettings = z.output<typeof VptqSettingsSchema>;

function toVectors(values: Float32Array, v: number): Float64Array {
  const out = new Float64Array(Math.ceil(values.length / v) * v);
  out.set(values);
  return out;
}

/** Per-vector weight: the importance of the input channel (row) the vector's first weight lies in. */
function vectorWeights(
  shape: readonly number[],
  vectors: number,
  v: number,
  context: EncodeContext | undefined,
): Float64Array | undefined {
  const importance = context?.rowImportance;
  if (importance === undefined || shape.length !== 2) return undefined;
  const cols = shape[1] as number;
  return Float64Array.from({ length: vectors }, (_, i) => Math.max(1e-12, importance[Math.floor((i * v) / cols)] ?? 1));
}

/** At most `limit` vectors (and their weights), a seeded sample in original order; all of them when fewer. */
function trainingSample(
  vectors: Float64Array,
  v: number,
  weights: Float64Array | undefined,
  limit: number,
  rng: Rng,
): { vectors: Float64Array; weights: Float64Array | undefined } {
  const n = vectors.length / v;
  if (n <= limit) return { vectors, weights };
  const picked = rng
    .shuffle(Array.from({ length: n }, (_, i) => i))
    .slice(0, limit)
    .sort((a, b) => a - b);
  const out = new Float64Array(limit * v);
  picked.forEach((i, row) => out.set(vectors.subarray(i * v, (i + 1) * v), row * v));
  return {
    vectors: out,
    weights: weights === undefined ? undefined : Float64Array.from(picked, (i) => weights[i] as number),
  };
}

/** Learns an fp16 codebook and the nearest stored entry of each vector; subtracts the entries from `vectors`. */
function quantizeStage(
  vectors: Float64Array,
  v: number,
  size: number,
  settings: VptqSettings,
  rng: Rng,
  weights: Float64Array | undefined,
): { codebook: Uint16Array; indices: Uint32Array; entries: number } {
  const n = vectors.length / v;
  const sample = trainingSample(vectors, v, weights, settings.maxTrainVectors, rng);
  const entries = Math.min(size, sample.vectors.length / v);
  const { centroids } = kMeans(sample.vectors, v, entries, {
    iterations: settings.iterations,
    rng,
    weights: sample.weights,
  });
  const codebook = encodeFloat16(centroids);
  // Indices are chosen against the stored fp16 codebook, so decoding reproduces the measured error.
  const stored = Float64Array.from(decodeFloat16(codebook));
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const j = nearestCentroid(vectors, i, stored, entries, v);
    indices[i] = j;
    for (let d = 0; d < v; d++) vectors[i * v + d] = (vectors[i * v + d] as number) - (stored[j * v + d] as number);
  }
  return { codebook, indices, entries };
}

/** `vptq`: k-means vector quantization with fp16 codebooks (importance-weighted, optional residual); lossy. */
export const vptqCompressor: Compressor<VptqSettings> = {
  name: 'vptq',
  displayName: 'VPTQ',
  referenceUrl: 'https://arxiv.org/abs/2409.17066',
  description: 'vector quantization: k-means codebooks (importance-weighted, optional residual), log2(k)-bit indices',
  settingsSchema: VptqSettingsSchema,
  lossless: false,
  accepts: (values, _shape, settings) => values.length >= settings.vectorLength * 2,
  encode(values, shape, settings, rng, context) {
    const v = settings.vectorLength;
    const residual = toVectors(values, v);
    const weights = settings.importanceWeighting ? vectorWeights(shape, residual.length / v, v, context) : undefined;
    const tensors = new Map<string, HostTensor>();
    const params: Record<string, number> = { vectorLength: v, stages: 0 };
    const sizes =
      settings.residualCodebookSize > 0
        ? [settings.codebookSize, settings.residualCodebookSize]
        : [settings.codebookSize];
    sizes.forEach((size, stage) => {
      const { codebook, indices, entries } = quantizeStage(
        residual,
        v,
        size,
        settings,
        rng.fork(`vptq-stage-${stage}`),
        weights,
      );
      const bits = indexBits(entries);
      const packed = packBits(indices, bits);
      tensors.set(`codebook${stage}`, { dtype: 'F16', shape: [entries, v], data: codebook });
      tensors.set(`indices${stage}`, { dtype: 'U8', shape: [packed.length], data: packed });
      params[`entries${stage}`] = entries;
      params.stages = stage + 1;
    });
    return { method: 'vptq', shape: [...shape], tensors, params: { ...params, weighted: weights !== undefined } };
  },
  decode(encoded) {
    const v = numberParam(encoded, 'vectorLength');
    const count = sizeOf(encoded.shape);
    const n = Math.ceil(count / v);
    const sum = new Float64Array(n * v);
    for (let stage = 0; stage < numberParam(encoded, 'stages'); stage++) {
      const entries = numberParam(encoded, `entries${stage}`);
      const codebook = decodeFloat16(requirePart(encoded, `codebook${stage}`, 'F16'));
      const indices = unpackBits(requirePart(encoded, `indices${stage}`, 'U8'), indexBits(entries), n);
      for (let i = 0; i < n; i++)
        for (let d = 0; d < v; d++)
          sum[i * v + d] = (sum[i * v + d] as number) + (codebook[(indices[i] as number) * v + d] as number);
    }
    return Float32Array.from(sum.subarray(0, count));
  },
};

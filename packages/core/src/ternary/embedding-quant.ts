/**
 * Quantized embeddings (and an untied full-precision head) in the packed file: the tied embedding is
 * 17 % of a `paper` model's weights but was 77 % of its packed file in F32. A registry of methods of one
 * shape; each stores `<name>.weight_q` (the codes) and `<name>.weight_scales` (F32), and loading
 * dequantizes back to F32, so every loader (edge's packed kernel, core's `loadPackedModel`, compression)
 * sees an ordinary F32 embedding.
 */
import { ForgeError } from '../errors.js';
import type { HostTensor, WeightMap } from '../tensors/dtype.js';

/** The methods; `none` keeps F32. */
export type EmbeddingQuantName = 'none' | 'int8-row' | 'int4-group';

/** Values per scale of `int4-group` (llama.cpp's Q4_0 block). */
export const INT4_GROUP = 32;

/** One method: codes and scales from a `[rows, cols]` F32 matrix, and back. */
export interface EmbeddingQuantizer {
  /** Registry key, recorded as `bitnet.embedding` in the packed file's metadata. */
  readonly name: Exclude<EmbeddingQuantName, 'none'>;
  /** What it stores. */
  readonly description: string;
  /** Where the method comes from. */
  readonly reference: string;
  /** Codes and scales of a row-major `[rows, cols]` matrix. */
  quantize(
    values: Float32Array,
    rows: number,
    cols: number,
  ): {
    /** The codes (stored as `<name>.weight_q`). */
    codes: HostTensor;
    /** The F32 scales (stored as `<name>.weight_scales`). */
    scales: HostTensor;
  };
  /** The F32 matrix the codes and scales stand for. */
  dequantize(codes: HostTensor, scales: HostTensor, rows: number, cols: number): Float32Array;
}

function absmax(values: Float32Array, start: number, end: number): number {
  let largest = 0;
  for (let i = start; i < end; i++) largest = Math.max(largest, Math.abs(values[i] as number));
  return largest;
}

const int8Row: EmbeddingQuantizer = {
  name: 'int8-row',
  description: 'signed 8-bit codes, one F32 absmax scale per row (token)',
  reference: 'LLM.int8() vector-wise absmax quantization, Dettmers et al. 2022, arXiv:2208.07339',
  quantize(values, rows, cols) {
    const codes = new Int8Array(rows * cols);
    const scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const scale = absmax(values, r * cols, (r + 1) * cols) / 127;
      scales[r] = scale;
      for (let c = 0; c < cols; c++)
        codes[r * cols + c] =
          scale > 0
            ? Math.max(-127, Math.min(127, Math.round((values[r * cols + c] as number) / (scales[r] as number))))
            : 0;
    }
    return {
      codes: { dtype: 'I8', shape: [rows, cols], data: codes },
      scales: { dtype: 'F32', shape: [rows], data: scales },
    };
  },
  dequantize(codes, scales, rows, cols) {
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows * cols; i++)
      out[i] = (codes.data[i] as number) * (scales.data[Math.floor(i / cols)] as number);
    return out;
  },
};

const int4Group: EmbeddingQuantizer = {
  name: 'int4-group',
  description: `signed 4-bit codes (two a byte, stored + 8), one F32 absmax scale per ${INT4_GROUP} values of a row`,
  reference: "llama.cpp Q4_0 (blocks of 32 weights with one scale); GPTQ's group-wise scales, Frantar et al. 2022",
  quantize(values, rows, cols) {
    const groups = Math.ceil(cols / INT4_GROUP);
    const codes = new Uint8Array(Math.ceil((rows * cols) / 2));
    const scales = new Float32Array(rows * groups);
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < groups; g++) {
        const start = r * cols + g * INT4_GROUP;
        const end = r * cols + Math.min(cols, (g + 1) * INT4_GROUP);
        const scale = Math.fround(absmax(values, start, end) / 7);
        scales[r * groups + g] = scale;
        for (let i = start; i < end; i++) {
          const code = scale > 0 ? Math.max(-8, Math.min(7, Math.round((values[i] as number) / scale))) : 0;
          codes[i >> 1] = (codes[i >> 1] as number) | ((code + 8) << ((i & 1) * 4));
        }
      }
    }
    return {
      codes: { dtype: 'U8', shape: [codes.length], data: codes },
      scales: { dtype: 'F32', shape: [rows, groups], data: scales },
    };
  },
  dequantize(codes, scales, rows, cols) {
    const groups = Math.ceil(cols / INT4_GROUP);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows * cols; i++) {
      const code = (((codes.data[i >> 1] as number) >> ((i & 1) * 4)) & 15) - 8;
      const r = Math.floor(i / cols);
      out[i] = code * (scales.data[r * groups + Math.floor((i - r * cols) / INT4_GROUP)] as number);
    }
    return out;
  },
};

/** The registry, by name. */
export const EMBEDDING_QUANTIZERS: ReadonlyMap<string, EmbeddingQuantizer> = new Map(
  [int8Row, int4Group].map((method) => [method.name, method]),
);

/** Weights a method applies to: the token embedding (the tied head) and an untied F32 head. */
const QUANTIZABLE = ['embed.weight', 'head.weight'];
const CODES_SUFFIX = '.weight_q';
const SCALES_SUFFIX = '.weight_scales';

/** Replaces the embedding (and an F32 untied head) in `weights` by codes and scales; returns the metadata to record. */
export function quantizeEmbeddings(weights: WeightMap, method: EmbeddingQuantName): Record<string, string> {
  if (method === 'none') return {};
  const quantizer = EMBEDDING_QUANTIZERS.get(method);
  if (quantizer === undefined)
    throw new ForgeError(`unknown embedding quantization '${method}'`, { field: 'embeddingQuant' });
  const shapes: Record<string, number[]> = {};
  for (const name of QUANTIZABLE) {
    const tensor = weights.get(name);
    if (tensor?.dtype !== 'F32' || tensor.shape.length !== 2) continue;
    const [rows, cols] = tensor.shape as [number, number];
    const { codes, scales } = quantizer.quantize(tensor.data, rows, cols);
    const layer = name.slice(0, -'.weight'.length);
    weights.delete(name);
    weights.set(`${layer}${CODES_SUFFIX}`, codes);
    weights.set(`${layer}${SCALES_SUFFIX}`, scales);
    shapes[name] = [rows, cols];
  }
  return { 'bitnet.embedding': method, 'bitnet.embedding_shapes': JSON.stringify(shapes) };
}

/** Restores the F32 weights `quantizeEmbeddings` replaced (nothing to do for files without `bitnet.embedding`). */
export function dequantizeEmbeddings(weights: WeightMap, metadata: Record<string, string>, file: string): WeightMap {
  const method = metadata['bitnet.embedding'];
  if (method === undefined || method === 'none') return weights;
  const quantizer = EMBEDDING_QUANTIZERS.get(method);
  if (quantizer === undefined)
    throw new ForgeError(
      `unknown embedding quantization '${method}' (known: ${[...EMBEDDING_QUANTIZERS.keys()].join(', ')})`,
      { file },
    );
  const shapes = JSON.parse(metadata['bitnet.embedding_shapes'] ?? '{}') as Record<string, [number, number]>;
  const out: WeightMap = new Map(weights);
  for (const [name, [rows, cols]] of Object.entries(shapes)) {
    const layer = name.slice(0, -'.weight'.length);
    const codes = weights.get(`${layer}${CODES_SUFFIX}`);
    const scales = weights.get(`${layer}${SCALES_SUFFIX}`);
    if (codes === undefined || scales?.dtype !== 'F32')
      throw new ForgeError(`quantized '${name}' needs ${layer}${CODES_SUFFIX} and an F32 ${layer}${SCALES_SUFFIX}`, {
        file,
      });
    out.delete(`${layer}${CODES_SUFFIX}`);
    out.delete(`${layer}${SCALES_SUFFIX}`);
    out.set(name, { dtype: 'F32', shape: [rows, cols], data: quantizer.dequantize(codes, scales, rows, cols) });
  }
  return out;
}

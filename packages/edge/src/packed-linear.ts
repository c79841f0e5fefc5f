/**
 * A `Linear` whose ternary weight stays 2-bit packed, run by core's `ForgeTernaryMatMul` kernel where the
 * activations live (no host copies on wasm or cpu), all prompt tokens in one call. `packedMatmul` is the
 * older host lookup-table kernel over one token at a time (ternary-kernel.ts), kept for the kernel bench.
 */
import { ForgeError, hasTernaryMatMulKernel, ternaryMatMul, ternaryMatMulJs, tf } from '@agent-forge/core';
import type { BitNetSettings, KernelTernaryMatrix, Linear } from '@agent-forge/core';
import { quantizeRow } from './activation-quant.js';
import { accumulateColumns, buildSumTables, sumTableLength, type PackedTernaryMatrix } from './ternary-kernel.js';

/** The layer the model asks for; the packed matrix must have the same shape. */
export interface PackedLinearSpec {
  /** Full layer name, e.g. `blocks.0.attn.q`. */
  readonly name: string;
  /** Input width (rows of the `[in, out]` weight). */
  readonly inFeatures: number;
  /** Output width (columns of the weight). */
  readonly outFeatures: number;
}

/** `y = Q(x) · W_q · γ` for every row of `x` (`rows · inFeatures` values), into a new array. */
export function packedMatmul(
  matrix: PackedTernaryMatrix,
  x: Float32Array,
  settings: BitNetSettings,
  scratch = createScratch(matrix),
): Float32Array {
  const { inFeatures, outFeatures } = matrix;
  const rows = x.length / inFeatures;
  const out = new Float32Array(rows * outFeatures);
  for (let row = 0; row < rows; row++) {
    const activationScale = quantizeRow(x, row, inFeatures, settings, scratch.levels);
    buildSumTables(scratch.levels, 0, inFeatures, scratch.table);
    accumulateColumns(matrix, scratch.table, scratch.sums);
    const factor = matrix.scale / activationScale;
    const base = row * outFeatures;
    for (let column = 0; column < outFeatures; column++) out[base + column] = (scratch.sums[column] as number) * factor;
  }
  return out;
}

/** Reusable int32 buffers of one layer's kernel, sized by {@link createScratch}. */
export interface KernelScratch {
  /** One activation row quantized to signed integer levels (8-bit by default), length inFeatures. */
  readonly levels: Int32Array;
  /** The signed-sum lookup tables, 256 entries per group of 4 inputs (`sumTableLength(inFeatures)`). */
  readonly table: Int32Array;
  /** Exact integer dot product per output column, length outFeatures. */
  readonly sums: Int32Array;
}

/** The per-layer buffers the kernel reuses across calls. */
export function createScratch(matrix: PackedTernaryMatrix): KernelScratch {
  return {
    levels: new Int32Array(matrix.inFeatures),
    table: new Int32Array(sumTableLength(matrix.inFeatures)),
    sums: new Int32Array(matrix.outFeatures),
  };
}

/**
 * `Q(x) · W_q · γ` without the kernel (a backend other than wasm and cpu): a host copy each way, the
 * same JavaScript arithmetic as the kernel.
 */
function hostTernaryMatMul(x: tf.Tensor, matrix: KernelTernaryMatrix, settings: BitNetSettings): tf.Tensor {
  const values = Float32Array.from(x.dataSync());
  const rows = values.length / matrix.inFeatures;
  const out = new Float32Array(rows * matrix.outFeatures);
  ternaryMatMulJs(matrix, values, 0, rows, out, 0, settings);
  return tf.tensor(out, [...x.shape.slice(0, -1), matrix.outFeatures], 'float32');
}

/**
 * The ternary layer `spec` served from `matrix` through core's `ForgeTernaryMatMul` kernel (in place on
 * the wasm heap: native int8 with the addon, JavaScript without); it holds no tfjs variable.
 */
export function packedTernaryLinear(
  spec: PackedLinearSpec,
  matrix: KernelTernaryMatrix,
  settings: BitNetSettings,
): Linear {
  if (matrix.inFeatures !== spec.inFeatures || matrix.outFeatures !== spec.outFeatures) {
    throw new ForgeError(
      `packed layer '${spec.name}' is [${matrix.inFeatures}, ${matrix.outFeatures}], the model needs [${spec.inFeatures}, ${spec.outFeatures}]`,
      { field: spec.name },
    );
  }
  return {
    name: spec.name,
    inFeatures: spec.inFeatures,
    outFeatures: spec.outFeatures,
    weights: new Map(),
    apply: (x) =>
      hasTernaryMatMulKernel() ? ternaryMatMul(x, matrix, settings) : hostTernaryMatMul(x, matrix, settings),
  };
}

/**
 * The packed ternary matmul, run on the host over 2-bit codes with 8-bit integer activations.
 *
 * Weights are re-laid once at load, still 2 bits each, from bitnet's row-major `[in, out]` packing so
 * that one byte holds 4 consecutive inputs of one output column, and the bytes of a group of 4 inputs
 * lie together for all columns. Per activation row and group of 4 inputs, a 256-entry table holds the
 * sum ±a₀ ± a₁ ± a₂ ± a₃ for every possible code byte (built with adds and subtracts only); each
 * output then gains one table lookup and one integer add per packed byte. That does in·out/4 adds plus 256·in/4 for the
 * tables instead of in·out multiply-adds (the lookup-table idea of T-MAC / bitnet.cpp's TL kernels),
 * and the int32 sum is exact, so the only float work is the final `acc · γ / activationScale`.
 */
import { ForgeError, VALUES_PER_BYTE, packedByteLength } from '@agent-forge/core';

/** `a` times the value of a `ternary-2bit-v1` code: 0 → 0, 1 → +1, 2 → −1 (3, invalid, → 0). */
const signed = (code: number, a: number): number => (code === 1 ? a : code === 2 ? -a : 0);
const TABLE_SIZE = 256;

/** A ternary weight `[inFeatures, outFeatures]` packed by groups of 4 input rows, with its scale γ. */
export interface PackedTernaryMatrix {
  /** Input width: rows of the weight. */
  readonly inFeatures: number;
  /** Output width: columns of the weight. */
  readonly outFeatures: number;
  /** Packed bytes per column: ⌈inFeatures / 4⌉. */
  readonly groups: number;
  /** `groups · outFeatures` bytes; byte `g·outFeatures + j` holds W_q[4g … 4g+3, j]. */
  readonly columns: Uint8Array;
  /** The layer's weight scale γ: the real weight is code value (−1, 0, +1) · γ. */
  readonly scale: number;
}

/**
 * Re-lays bitnet's row-major packed bytes (`[in, out]` flattened, 4 values per byte) column by column.
 * A wrong length or the unused code 3 means a corrupt file and throws.
 */
export function columnPackedMatrix(
  packed: Uint8Array,
  inFeatures: number,
  outFeatures: number,
  scale: number,
): PackedTernaryMatrix {
  const count = inFeatures * outFeatures;
  if (packed.length !== packedByteLength(count)) {
    throw new ForgeError(
      `packed ternary weight has ${packed.length} bytes, [${inFeatures}, ${outFeatures}] needs ${packedByteLength(count)}`,
      { field: 'packed' },
    );
  }
  const groups = Math.ceil(inFeatures / VALUES_PER_BYTE);
  const columns = new Uint8Array(outFeatures * groups);
  for (let index = 0; index < count; index++) {
    const code = ((packed[index >> 2] as number) >> ((index & 3) * 2)) & 3;
    if (code === 3) throw new ForgeError(`invalid 2-bit code 3 at value ${index}`, { field: 'packed' });
    const row = Math.floor(index / outFeatures);
    const column = index - row * outFeatures;
    const target = (row >> 2) * outFeatures + column;
    columns[target] = (columns[target] as number) | (code << ((row & 3) * 2));
  }
  return { inFeatures, outFeatures, groups, columns, scale };
}

/**
 * Fills `table` (`groups · 256` int32) with every signed sum of each group of 4 activations. Inputs
 * past `levels.length` (the padding of the last byte) count as 0, as their code does.
 */
export function buildSumTables(
  levels: Int32Array | Int8Array,
  offset: number,
  inFeatures: number,
  table: Int32Array,
): void {
  const groups = Math.ceil(inFeatures / VALUES_PER_BYTE);
  for (let group = 0; group < groups; group++) {
    const first = offset + group * 4;
    const count = Math.min(4, inFeatures - group * 4);
    const a0 = levels[first] as number;
    const a1 = count > 1 ? (levels[first + 1] as number) : 0;
    const a2 = count > 2 ? (levels[first + 2] as number) : 0;
    const a3 = count > 3 ? (levels[first + 3] as number) : 0;
    const base = group * TABLE_SIZE;
    for (let c3 = 0; c3 < 4; c3++) {
      const s3 = signed(c3, a3);
      for (let c2 = 0; c2 < 4; c2++) {
        const s2 = s3 + signed(c2, a2);
        for (let c1 = 0; c1 < 4; c1++) {
          const s1 = s2 + signed(c1, a1);
          const at = base + (c3 << 6) + (c2 << 4) + (c1 << 2);
          table[at] = s1;
          table[at + 1] = s1 + a0;
          table[at + 2] = s1 - a0;
          table[at + 3] = s1;
        }
      }
    }
  }
}

/**
 * `out[j] = Σ_i levels_i · W_q[i, j]` (exact int32) for one activation row whose tables are built.
 * Group-major: one 1 KiB table and the accumulators stay in L1 while the bytes stream past in order.
 */
export function accumulateColumns(matrix: PackedTernaryMatrix, table: Int32Array, out: Int32Array): void {
  const { columns, groups, outFeatures } = matrix;
  out.fill(0, 0, outFeatures);
  let at = 0;
  for (let group = 0, base = 0; group < groups; group++, base += TABLE_SIZE) {
    for (let column = 0; column < outFeatures; column++) {
      out[column] = ((out[column] as number) + (table[base + (columns[at++] as number)] as number)) | 0;
    }
  }
}

/** Bytes of scratch space one activation row needs: the lookup tables. */
export function sumTableLength(inFeatures: number): number {
  return Math.ceil(inFeatures / VALUES_PER_BYTE) * TABLE_SIZE;
}

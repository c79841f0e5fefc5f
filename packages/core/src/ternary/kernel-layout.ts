/**
 * The layout the packed ternary matmul kernels read (`ternary-i2-rows-v1`), made once at load from the
 * file's `ternary-2bit-v1` bytes; still 2 bits a weight. One row of bytes per output, ⌈in / 128⌉ blocks of
 * 32 bytes: in block B, byte b holds inputs 128B + b, +32, +64, +96 in bits 0-1, 2-3, 4-5, 6-7, each as
 * value + 1 (0 → −1, 1 → 0, 2 → +1), and inputs past the end as 1 (zero). This is bitnet.cpp's I2_S
 * interleave (and llama.cpp's TQ2_0): one 32-byte load and four shift-and-masks give four vectors of
 * codes lined up with 32 consecutive int8 activations (docs/performance.md says why this one).
 */
import { ForgeError } from '../errors.js';
import { packedByteLength } from './packing.js';

/** Name of the kernel layout (in memory only; files keep `ternary-2bit-v1`). */
export const KERNEL_LAYOUT_NAME = 'ternary-i2-rows-v1';
/** Inputs per block of the kernel layout. */
export const KERNEL_BLOCK = 128;
const BLOCK_BYTES = 32;

/** A ternary weight `[inFeatures, outFeatures]` in the kernel layout, with its scale γ. */
export interface KernelTernaryMatrix {
  /** Input width: rows of the weight. */
  readonly inFeatures: number;
  /** Output width: columns of the weight. */
  readonly outFeatures: number;
  /** `outFeatures · kernelRowBytes(inFeatures)` bytes (see the module comment). */
  readonly rows: Uint8Array;
  /** The layer's weight scale γ: the real weight is W_q · γ. */
  readonly scale: number;
}

/** Bytes of one output's row: ⌈inFeatures / 128⌉ · 32. */
export function kernelRowBytes(inFeatures: number): number {
  return Math.ceil(inFeatures / KERNEL_BLOCK) * BLOCK_BYTES;
}

/** Where input `i` of an output row sits: byte and bit shift. */
function slotOf(input: number): { byte: number; shift: number } {
  const block = Math.floor(input / KERNEL_BLOCK);
  const within = input - block * KERNEL_BLOCK;
  return { byte: block * BLOCK_BYTES + (within & 31), shift: (within >> 5) * 2 };
}

/**
 * Re-lays `ternary-2bit-v1` bytes (row-major `[in, out]`, codes 0 → 0, 1 → +1, 2 → −1) for the kernels.
 * A wrong length or the unused code 3 means a corrupt file and throws.
 */
export function kernelTernaryMatrix(
  packed: Uint8Array,
  inFeatures: number,
  outFeatures: number,
  scale: number,
): KernelTernaryMatrix {
  const count = inFeatures * outFeatures;
  if (packed.length !== packedByteLength(count)) {
    throw new ForgeError(
      `packed ternary weight has ${packed.length} bytes, [${inFeatures}, ${outFeatures}] needs ${packedByteLength(count)}`,
      { field: 'packed' },
    );
  }
  const rowBytes = kernelRowBytes(inFeatures);
  // 0x55: every code 1, i.e. every weight zero (the padding past the last input stays so).
  const rows = new Uint8Array(outFeatures * rowBytes).fill(0x55);
  for (let input = 0; input < inFeatures; input++) {
    const { byte, shift } = slotOf(input);
    for (let output = 0; output < outFeatures; output++) {
      const index = input * outFeatures + output;
      const code = ((packed[index >> 2] as number) >> ((index & 3) * 2)) & 3;
      if (code === 3) throw new ForgeError(`invalid 2-bit code 3 at value ${index}`, { field: 'packed' });
      const kernelCode = code === 0 ? 1 : code === 1 ? 2 : 0;
      const at = output * rowBytes + byte;
      rows[at] = ((rows[at] as number) & ~(3 << shift)) | (kernelCode << shift);
    }
  }
  // γ is F32 in the file; rounding it here keeps every kernel (and the float path) on the same value.
  return { inFeatures, outFeatures, rows, scale: Math.fround(scale) };
}

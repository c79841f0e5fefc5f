/**
 * The one interface every weight compressor implements. `encode` turns a float tensor into the typed
 * arrays that go into the compressed safetensors file plus JSON parameters for its `__metadata__`;
 * `decode` rebuilds the float values from exactly those arrays and parameters, so what a file holds
 * decodes to the same bits on every load. Adding a method is adding one file to `methods/`.
 */
import { ForgeError } from '@agent-forge/core';
import type { Dtype, DtypeArrays, HostTensor, RegistryEntry, Rng } from '@agent-forge/core';
import type { z } from 'zod';

/** JSON parameters of an encoded tensor (they go into the file's `__metadata__`). */
export type EncodedParams = Record<string, number | string | boolean | number[]>;

/** A tensor as one compressor stored it: the arrays written to the file and the parameters to decode them. */
export interface EncodedTensor {
  /** Registry name of the compressor that wrote it. */
  readonly method: string;
  /** Shape of the original tensor. */
  readonly shape: readonly number[];
  /** Stored arrays by part name (e.g. `codes`, `codebook`); their bytes are the tensor's size. */
  readonly tensors: ReadonlyMap<string, HostTensor>;
  /** Method-specific scalars needed to decode (e.g. `gamma`, `scale`, `low`), stored as JSON in `__metadata__`. */
  readonly params: EncodedParams;
}

/** Extra knowledge a compressor may use; all optional. */
export interface EncodeContext {
  /**
   * Importance of each input channel (row of a `[in, out]` linear weight), e.g. E[x²] of the layer's
   * input on calibration data — the diagonal of VPTQ's proxy Hessian.
   */
  readonly rowImportance?: Float32Array;
}

/**
 * One weight-compression method, registered by name (see {@link getCompressor}). `S` is its parsed
 * settings type. Decoding must be deterministic from the stored arrays and params alone.
 */
export interface Compressor<S = unknown> extends RegistryEntry {
  /** Registry key, written into the file per tensor (e.g. `seedlm`). */
  readonly name: string;
  /** A one-line human-readable summary of the method and what it stores. */
  readonly description: string;
  /** Validates and fills the settings of one candidate; errors name the field. */
  readonly settingsSchema: z.ZodType<S>;
  /** Lossless methods always decode to the exact input. */
  readonly lossless: boolean;
  /** Whether this method can encode the tensor at all (e.g. ternary packing needs ternary values). */
  accepts(values: Float32Array, shape: readonly number[], settings: S): boolean;
  /** Stores `values` (row-major, `sizeOf(shape)` floats) under parsed `settings`; `rng` seeds any search or sampling. */
  encode(values: Float32Array, shape: readonly number[], settings: S, rng: Rng, context?: EncodeContext): EncodedTensor;
  /** The float values back, row-major, from `encoded`'s arrays and params only; a malformed part is a ForgeError. */
  decode(encoded: EncodedTensor): Float32Array;
}

/** Element count of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes the stored arrays take (the tensor data in the file; the JSON header is counted separately). */
export function storedBytes(encoded: EncodedTensor): number {
  let total = 0;
  for (const tensor of encoded.tensors.values()) total += tensor.data.byteLength;
  return total;
}

/** Stored bits per original weight, from the arrays actually written (codebooks and scales included). */
export function bitsPerWeight(encoded: EncodedTensor): number {
  return (8 * storedBytes(encoded)) / sizeOf(encoded.shape);
}

/** ‖x − x̂‖ / ‖x‖ (0 for an all-zero x decoded exactly). */
export function relativeError(original: Float32Array, decoded: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < original.length; i++) {
    const o = original[i] as number;
    const d = o - (decoded[i] as number);
    diff += d * d;
    norm += o * o;
  }
  if (norm === 0) return diff === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.sqrt(diff / norm);
}

/** A stored part of `encoded`, checked for dtype and length; a wrong one is a corrupt file. */
export function requirePart<D extends Dtype>(encoded: EncodedTensor, part: string, dtype: D): DtypeArrays[D] {
  const tensor = encoded.tensors.get(part);
  if (tensor?.dtype !== dtype) {
    throw new ForgeError(
      `${encoded.method}: part '${part}' must be a ${dtype} tensor, got ${tensor === undefined ? 'none' : tensor.dtype}`,
      { field: part },
    );
  }
  return tensor.data as DtypeArrays[D];
}

/** A numeric parameter of `encoded`, checked. */
export function numberParam(encoded: EncodedTensor, key: string): number {
  const value = encoded.params[key];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ForgeError(
      `${encoded.method}: parameter '${key}' must be a finite number, got ${JSON.stringify(value)}`,
      { field: key },
    );
  return value;
}

/**
 * Sizes measured from the files on disk: the bytes the ternary layers take in the packed file
 * (U8 codes + F32 scale, read from the safetensors header offsets) against the bytes the same layers
 * take as F32 in the latent checkpoint, and both whole files.
 */
import { readFile, stat } from 'node:fs/promises';
import { packedTensorNames, parseSafetensorsHeader } from '@agent-forge/core';

/** Bytes on disk of a packed BitNet checkpoint against its fp32 (latent-weight) counterpart, measured by {@link measureSizes}. */
export interface SizeReport {
  /** Bytes of the ternary layers' weights as F32. */
  readonly quantizedBytesFp32: number;
  /** Bytes of the same layers in the packed file: 2-bit codes plus a 4-byte scale each. */
  readonly quantizedBytesPacked: number;
  /** quantizedBytesFp32 / quantizedBytesPacked: how much smaller the ternary layers got (≈ 16 for large layers; 0 when none are ternary). */
  readonly quantizedRatio: number;
  /** The whole fp32 safetensors file (latent weights), header included. */
  readonly checkpointBytesFp32: number;
  /** The whole packed safetensors file, header included. */
  readonly checkpointBytesPacked: number;
  /** checkpointBytesFp32 / checkpointBytesPacked: whole-file compression, lower than quantizedRatio since full-precision tensors stay F32. */
  readonly checkpointRatio: number;
  /** Bytes everything but the ternary layers takes in the packed file: the embedding as `embeddingQuant` stores it, norms, fp layers. */
  readonly fullPrecisionBytes: number;
}

async function tensorBytes(file: string): Promise<Map<string, number>> {
  const header = parseSafetensorsHeader(await readFile(file), file);
  return new Map(header.entries.map((entry) => [entry.name, entry.end - entry.begin]));
}

/** Measures `packedFile` against `fp32File` for `ternaryLayers`. */
export async function measureSizes(
  packedFile: string,
  fp32File: string,
  ternaryLayers: readonly string[],
): Promise<SizeReport> {
  const [packed, fp32] = await Promise.all([tensorBytes(packedFile), tensorBytes(fp32File)]);
  let quantizedBytesFp32 = 0;
  let quantizedBytesPacked = 0;
  for (const layer of ternaryLayers) {
    const names = packedTensorNames(layer);
    quantizedBytesFp32 += fp32.get(`${layer}.weight`) ?? 0;
    quantizedBytesPacked += (packed.get(names.packed) ?? 0) + (packed.get(names.scale) ?? 0);
  }
  let packedTotal = 0;
  for (const bytes of packed.values()) packedTotal += bytes;
  const [checkpointBytesPacked, checkpointBytesFp32] = await Promise.all([stat(packedFile), stat(fp32File)]).then((s) =>
    s.map((x) => x.size),
  );
  return {
    quantizedBytesFp32,
    quantizedBytesPacked,
    quantizedRatio: quantizedBytesPacked > 0 ? quantizedBytesFp32 / quantizedBytesPacked : 0,
    checkpointBytesFp32: checkpointBytesFp32 ?? 0,
    checkpointBytesPacked: checkpointBytesPacked ?? 0,
    checkpointRatio: checkpointBytesPacked ? (checkpointBytesFp32 ?? 0) / checkpointBytesPacked : 0,
    fullPrecisionBytes: packedTotal - quantizedBytesPacked,
  };
}

/**
 * A BitNet b1.58 model as llama.cpp's `bitnet` architecture (llama.cpp src/models/bitnet.cpp): a Llama
 * block with an RMSNorm (`attn_sub_norm`, `ffn_sub_norm`; gain 1 here) in front of W_o and W_down —
 * exactly BitLinear's parameter-free input norm there — and 8-bit activations in its ternary dot products
 * (q8_K, per block of 256; ours per token). What it lacks (the input norm before W_q/W_k/W_v/W_gate/W_up)
 * is approximated in the weights before they get here (bitnet-float.ts).
 * Ternary weights stay 2-bit as TQ2_0: blocks of 256 codes {0, 1, 2} (4 a byte) and an F16 scale d,
 * value = (code − 1)·d, d = the layer's γ (layout from ggml-quants.c).
 */
import { ForgeError, float32ToFloat16Bits } from '@agent-forge/core';
import type { ModelConfig } from '@agent-forge/core';
import { z } from 'zod';
import type { LlamaTensor } from './llama-layout.js';

/** The parts of `extensions.bitnet` the export reads (the record is the bitnet package's). */
const BitNetRecordSchema = z.looseObject({
  ternaryLayers: z.array(z.string()),
  settings: z.looseObject({
    inputNorm: z.enum(['rms', 'none']),
    activationBits: z.number().int(),
    normEps: z.number().positive(),
  }),
});

/** Values a TQ2_0 block holds. */
export const TQ2_BLOCK = 256;
const TQ2_BLOCK_BYTES = 66;
const BLOCK_LINEARS = ['attn.q', 'attn.k', 'attn.v', 'attn.o', 'mlp.gate', 'mlp.up', 'mlp.down'];

/** The layer's γ when every value is −γ, 0 or +γ (a dequantized ternary weight), else null. */
export function ternaryScale(data: Float32Array): number | null {
  let scale = 0;
  for (const value of data) {
    const magnitude = Math.abs(value);
    if (magnitude === 0) continue;
    if (scale === 0) scale = magnitude;
    else if (magnitude !== scale) return null;
  }
  return scale;
}

/**
 * Checks that a BitNet model fits llama.cpp's `bitnet` graph and returns γ by GGUF tensor name for each
 * ternary layer. Every block linear must be ternary, with BitLinear's RMS input norm and 8-bit activations.
 */
export function bitnetTernaryScales(
  record: unknown,
  config: ModelConfig,
  tensors: readonly LlamaTensor[],
): Map<string, number> {
  const parsed = BitNetRecordSchema.safeParse(record);
  if (!parsed.success)
    throw new ForgeError(`extensions.bitnet is not a BitNet record: ${parsed.error.issues[0]?.message ?? ''}`, {
      field: 'extensions.bitnet',
    });
  const { ternaryLayers, settings } = parsed.data;
  if (settings.inputNorm !== 'rms' || settings.activationBits !== 8) {
    throw new ForgeError("llama.cpp's bitnet graph needs BitLinear's RMS input norm and 8-bit activations", {
      field: 'extensions.bitnet.settings',
    });
  }
  if (!config.tiedEmbeddings)
    throw new ForgeError(
      "llama.cpp's bitnet graph reads the head from the embedding: the model must have tied embeddings",
      { field: 'model.tiedEmbeddings' },
    );
  const expected = Array.from({ length: config.nLayers }, (_, block) =>
    BLOCK_LINEARS.map((part) => `blocks.${block}.${part}`),
  ).flat();
  const missing = expected.filter((layer) => !ternaryLayers.includes(layer));
  if (missing.length > 0 || ternaryLayers.length !== expected.length) {
    throw new ForgeError(
      `llama.cpp's bitnet graph needs every block linear ternary and nothing else; not ternary: ${missing.join(', ') || '(none)'}`,
      { field: 'extensions.bitnet.ternaryLayers' },
    );
  }
  const scales = new Map<string, number>();
  for (const layer of expected) {
    const tensor = tensors.find((candidate) => candidate.source === `${layer}.weight`) as LlamaTensor;
    const scale = ternaryScale(tensor.data);
    if (scale === null) {
      throw new ForgeError(
        `${layer} holds latent weights, not W_q·γ: load the BitNet directory with its packed weights (forge export does)`,
        { field: layer },
      );
    }
    scales.set(tensor.ggufName, scale);
  }
  return scales;
}

/** The gain-1 sub-norms the `bitnet` graph has before W_o and W_down (BitLinear's parameter-free input norm there). */
export function bitnetNormTensors(tensors: readonly LlamaTensor[], config: ModelConfig): LlamaTensor[] {
  const subNorms = Array.from({ length: config.nLayers }, (_, block): LlamaTensor[] => [
    {
      source: '(none)',
      hfName: '',
      ggufName: `blk.${block}.attn_sub_norm.weight`,
      shape: [config.dModel],
      data: new Float32Array(config.dModel).fill(1),
    },
    {
      source: '(none)',
      hfName: '',
      ggufName: `blk.${block}.ffn_sub_norm.weight`,
      shape: [config.dFF],
      data: new Float32Array(config.dFF).fill(1),
    },
  ]).flat();
  return [...tensors, ...subNorms];
}

/** A ternary `[rows, cols]` matrix (values −γ, 0, +γ) as TQ2_0 blocks; `cols` must be a multiple of 256. */
export function encodeTq2(data: Float32Array, cols: number, scale: number, name: string): Uint8Array {
  if (cols % TQ2_BLOCK !== 0) {
    throw new ForgeError(
      `TQ2_0 packs rows in blocks of ${TQ2_BLOCK}, but ${name} has rows of ${cols}: export with --type f16 or f32`,
      { field: name },
    );
  }
  const blocks = data.length / TQ2_BLOCK;
  const out = new Uint8Array(blocks * TQ2_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  const scaleBits = float32ToFloat16Bits(scale);
  for (let block = 0; block < blocks; block++) {
    const base = block * TQ2_BLOCK;
    const bytes = block * TQ2_BLOCK_BYTES;
    // Two halves of 128 values; byte m of a half holds values m, m+32, m+64, m+96 in bits 0-1, 2-3, 4-5, 6-7.
    for (let half = 0; half < 2; half++) {
      for (let m = 0; m < 32; m++) {
        let byte = 0;
        for (let n = 0; n < 4; n++) {
          const value = data[base + half * 128 + n * 32 + m] as number;
          byte |= (value > 0 ? 2 : value < 0 ? 0 : 1) << (2 * n);
        }
        out[bytes + half * 32 + m] = byte;
      }
    }
    view.setUint16(bytes + 64, scaleBits, true);
  }
  return out;
}

/**
 * SeedLM (Shafipour et al. 2024): each block of C weights w ≈ U(s)·t, where U(s) ∈ R^{C×P} comes from
 * the 16-bit LFSR started at seed s (lfsr.ts) and t holds P coefficients stored as 4-bit two's-complement
 * integers times a shared per-block power of two (a 4-bit exponent). Per block the encoder tries every
 * candidate seed: least squares t = U(s)⁺w (pseudo-inverses precomputed once per seed and shared by all
 * blocks), quantizes t, and keeps the seed with the smallest reconstruction error. Storage per block is
 * 16 + 4 + 4P bits: (C, P) = (8, 3) gives 4 bits/weight, (12, 4) gives 3. The paper searches all
 * 2^16 − 1 seeds; `seedCandidates` samples fewer, evenly spaced, to keep a JS encoder fast.
 */
import { z } from 'zod';
import { packBits, toSigned, toUnsigned, unpackBits } from '../bit-packing.js';
import { numberParam, requirePart, sizeOf, type Compressor } from '../compressor.js';
import { pseudoInverse } from './linear-algebra.js';
import { LFSR_BITS, LFSR_PERIOD, seedMatrix } from './lfsr.js';

/** Settings of `seedlm`; bits/weight = (16 + exponentBits + latentDim·coefficientBits)/blockSize (defaults: 4). */
export const SeedLmSettingsSchema = z
  .object({
    /** C: weights per block. */
    blockSize: z.number().int().min(2).max(64).default(8),
    /** P: coefficients (columns of U) per block. */
    latentDim: z.number().int().min(1).max(16).default(3),
    /** Bits per coefficient (two's complement). */
    coefficientBits: z.number().int().min(2).max(8).default(4),
    /** Bits of the shared per-block exponent. */
    exponentBits: z.number().int().min(1).max(8).default(4),
    /** Seeds tried per block, evenly spaced over 1…65535; 65535 is the paper's exhaustive search. */
    seedCandidates: z.number().int().min(1).max(LFSR_PERIOD).default(1024),
  })
  .strict()
  .refine((s) => s.latentDim <= s.blockSize, { message: 'latentDim must not exceed blockSize', path: ['latentDim'] });
/** Parsed `seedlm` settings. */
export type SeedLmSettings = z.output<typeof SeedLmSettingsSchema>;

interface SeedTable {
  readonly seeds: Uint32Array;
  /** Per seed, U(s) row-major C×P. */
  readonly u: Float64Array;
  /** Per seed, U(s)⁺ row-major P×C. */
  readonly pinv: Float64Array;
}

const seedTables = new Map<string, SeedTable>();

/** Candidate seeds: `count` evenly spaced nonzero states (all of them at 65535), singular U(s) skipped. */
export function candidateSeeds(count: number): Uint32Array {
  if (count >= LFSR_PERIOD) return Uint32Array.from({ length: LFSR_PERIOD }, (_, i) => i + 1);
  return Uint32Array.from({ length: count }, (_, i) => 1 + Math.floor((i * LFSR_PERIOD) / count));
}

function seedTable(blockSize: number, latentDim: number, count: number): SeedTable {
  const key = `${blockSize}x${latentDim}:${count}`;
  const cached = seedTables.get(key);
  if (cached) return cached;
  const seeds: number[] = [];
  const us: Float64Array[] = [];
  const pinvs: Float64Array[] = [];
  for (const seed of candidateSeeds(count)) {
    const u = seedMatrix(seed, blockSize, latentDim);
    const pinv = pseudoInverse(u, blockSize, latentDim);
    if (pinv === undefined) continue;
    seeds.push(seed);
    us.push(u);
    pinvs.push(pinv);
  }
  const table: SeedTable = { seeds: Uint32Array.from(seeds), u: concat(us), pinv: concat(pinvs) };
  seedTables.set(key, table);
  return table;
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

interface BlockChoice {
  seedIndex: number;
  exponent: number;
  coefficients: Int32Array;
}

interface Quantizer {
  readonly qMin: number;
  readonly qMax: number;
  readonly eMin: number;
  readonly eMax: number;
}

/**
 * Best seed, exponent and coefficients for the block `w` (length C). The hot loop of the encoder
 * (blocks × seeds): t = U⁺w, one shared exponent from max|t|, rounding, and the error, with an early
 * exit once a seed's partial error passes the best so far.
 */
function searchBlock(w: Float64Array, table: SeedTable, settings: SeedLmSettings, quantizer: Quantizer): BlockChoice {
  const { blockSize: c, latentDim: p } = settings;
  const { qMin, qMax, eMin, eMax } = quantizer;
  const { pinv, u } = table;
  const t = new Float64Array(p);
  const q = new Int32Array(p);
  const best: BlockChoice = { seedIndex: 0, exponent: eMin, coefficients: new Int32Array(p) };
  let bestError = Number.POSITIVE_INFINITY;
  const stride = c * p;
  for (let s = 0, base = 0; s < table.seeds.length; s++, base += stride) {
    let maxAbs = 0;
    for (let i = 0; i < p; i++) {
      let sum = 0;
      const row = base + i * c;
      for (let r = 0; r < c; r++) sum += (pinv[row + r] as number) * (w[r] as number);
      t[i] = sum;
      if (Math.abs(sum) > maxAbs) maxAbs = Math.abs(sum);
    }
    const ideal = maxAbs > 0 ? Math.ceil(Math.log2(maxAbs / qMax)) : eMin;
    const exponent = ideal < eMin ? eMin : ideal > eMax ? eMax : ideal;
    const scale = 2 ** exponent;
    for (let i = 0; i < p; i++) {
      const rounded = Math.round((t[i] as number) / scale);
      q[i] = rounded < qMin ? qMin : rounded > qMax ? qMax : rounded;
    }
    let error = 0;
    for (let r = 0; r < c && error < bestError; r++) {
      let value = 0;
      const row = base + r * p;
      for (let i = 0; i < p; i++) value += (u[row + i] as number) * (q[i] as number);
      const d = (w[r] as number) - scale * value;
      error += d * d;
    }
    if (error < bestError) {
      bestError = error;
      best.seedIndex = s;
      best.exponent = exponent;
      best.coefficients.set(q);
    }
  }
  return best;
}

/** The exponent window: 2^eMax·qMax just covers a few times the tensor's largest weight. */
function quantizerFor(values: Float32Array, settings: SeedLmSettings): Quantizer {
  let maxAbs = 0;
  for (const value of values) maxAbs = Math.max(maxAbs, Math.abs(value));
  const qMax = 2 ** (settings.coefficientBits - 1) - 1;
  const eMax = maxAbs > 0 ? Math.ceil(Math.log2(maxAbs / qMax)) + 2 : 0;
  return { qMin: -(2 ** (settings.coefficientBits - 1)), qMax, eMin: eMax - (2 ** settings.exponentBits - 1), eMax };
}

/** `seedlm`: per block of C weights, a 16-bit LFSR seed, P quantized coefficients and a shared exponent; lossy. */
export const seedLmCompressor: Compressor<SeedLmSettings> = {
  name: 'seedlm',
  displayName: 'SeedLM',
  referenceUrl: 'https://arxiv.org/abs/2410.10714',
  description: 'SeedLM: per block, an LFSR seed and 4-bit coefficients with a shared exponent',
  settingsSchema: SeedLmSettingsSchema,
  lossless: false,
  accepts: (values, _shape, settings) => values.length >= settings.blockSize,
  encode(values, shape, settings) {
    const { blockSize: c, latentDim: p } = settings;
    const table = seedTable(c, p, settings.seedCandidates);
    const quantizer = quantizerFor(values, settings);
    const blocks = Math.ceil(values.length / c);
    const seeds = new Uint32Array(blocks);
    const exponents = new Uint32Array(blocks);
    const codes = new Uint32Array(blocks * p);
    const w = new Float64Array(c);
    for (let b = 0; b < blocks; b++) {
      for (let r = 0; r < c; r++) w[r] = values[b * c + r] ?? 0;
      const choice = searchBlock(w, table, settings, quantizer);
      seeds[b] = table.seeds[choice.seedIndex] as number;
      exponents[b] = choice.exponent - quantizer.eMin;
      for (let i = 0; i < p; i++)
        codes[b * p + i] = toUnsigned(choice.coefficients[i] as number, settings.coefficientBits);
    }
    const part = (data: Uint8Array): { dtype: 'U8'; shape: number[]; data: Uint8Array } => ({
      dtype: 'U8',
      shape: [data.length],
      data,
    });
    return {
      method: 'seedlm',
      shape: [...shape],
      tensors: new Map([
        ['seeds', part(packBits(seeds, LFSR_BITS))],
        ['exponents', part(packBits(exponents, settings.exponentBits))],
        ['coefficients', part(packBits(codes, settings.coefficientBits))],
      ]),
      params: {
        blockSize: c,
        latentDim: p,
        coefficientBits: settings.coefficientBits,
        exponentBits: settings.exponentBits,
        exponentMin: quantizer.eMin,
        seedCandidates: table.seeds.length,
      },
    };
  },
  decode(encoded) {
    const c = numberParam(encoded, 'blockSize');
    const p = numberParam(encoded, 'latentDim');
    const coefficientBits = numberParam(encoded, 'coefficientBits');
    const exponentMin = numberParam(encoded, 'exponentMin');
    const count = sizeOf(encoded.shape);
    const blocks = Math.ceil(count / c);
    const seeds = unpackBits(requirePart(encoded, 'seeds', 'U8'), LFSR_BITS, blocks);
    const exponents = unpackBits(requirePart(encoded, 'exponents', 'U8'), numberParam(encoded, 'exponentBits'), blocks);
    const codes = unpackBits(requirePart(encoded, 'coefficients', 'U8'), coefficientBits, blocks * p);
    const out = new Float32Array(count);
    for (let b = 0; b < blocks; b++) {
      const u = seedMatrix(seeds[b] as number, c, p);
      const scale = 2 ** ((exponents[b] as number) + exponentMin);
      for (let r = 0; r < c && b * c + r < count; r++) {
        let value = 0;
        for (let i = 0; i < p; i++)
          value += (u[r * p + i] as number) * toSigned(codes[b * p + i] as number, coefficientBits);
        out[b * c + r] = scale * value;
      }
    }
    return out;
  },
};

/** Bits per weight the format takes, from the settings alone: (16 + e + P·b)/C. */
export function seedLmNominalBits(settings: SeedLmSettings): number {
  return (LFSR_BITS + settings.exponentBits + settings.latentDim * settings.coefficientBits) / settings.blockSize;
}

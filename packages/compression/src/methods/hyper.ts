/**
 * Hyper-compression (Fan et al. 2024, "Hyper-Compression: Model Compression via Hyperfunction"):
 * a group of K weights, scaled into [0, 1]^K, is represented by one integer θ — a sample index on an
 * ergodic trajectory, the irrational winding τ(θ) = frac(θ·δ·a) on the K-torus with a_k = 1/(π + k).
 * The a_k are rationally independent, so the trajectory is dense (Kronecker–Weyl) and some θ lands
 * near any group; θ is searched in [0, 2^b) and stored in b bits, so bits/weight = b/K plus two
 * floats per tensor. Decoding is one multiply and a `frac` per weight.
 * Honest note: U = 2^b trajectory samples are a fixed U-entry codebook in K dimensions with a
 * particular layout; it cannot beat a learned codebook (VPTQ) of the same size, and it is reported
 * as measured.
 */
import { ForgeError } from '@agent-forge/core';
import { z } from 'zod';
import { packBits, unpackBits } from '../bit-packing.js';
import { numberParam, requirePart, sizeOf, type Compressor } from '../compressor.js';

/** Settings of `hyper`; bits/weight = indexBits/groupSize (default 8/2 = 4) plus two floats per tensor. */
export const HyperSettingsSchema = z
  .object({
    /** K: weights represented by one θ. */
    groupSize: z.number().int().min(1).max(4).default(2),
    /** b: bits of θ; the trajectory is sampled at θ = 0 … 2^b − 1. */
    indexBits: z.number().int().min(2).max(20).default(8),
    /**
     * δ: trajectory step per θ. The authors' code uses 1/R with R = 10; δ = 1 (the default) samples the
     * same winding at integer times, which spreads 2^b samples far more evenly over the torus (bench).
     */
    step: z.number().positive().default(1),
  })
  .strict();
/** Parsed `hyper` settings. */
export type HyperSettings = z.output<typeof HyperSettingsSchema>;

/** Direction of the winding: a_k = 1/(π + k), k = 0 … K−1. */
export function windingDirection(groupSize: number): Float64Array {
  return Float64Array.from({ length: groupSize }, (_, k) => 1 / (Math.PI + k));
}

/** τ(θ) ∈ [0, 1)^K written into `out`. */
export function trajectoryPoint(theta: number, step: number, direction: Float64Array, out: Float64Array): void {
  for (let k = 0; k < direction.length; k++) {
    const x = theta * step * (direction[k] as number);
    out[k] = x - Math.floor(x);
  }
}

/** A uniform grid of cells over [0, 1]^K holding the trajectory samples, for nearest-sample queries. */
interface TrajectoryIndex {
  readonly points: Float64Array;
  readonly groupSize: number;
  readonly cells: number;
  /** Sample ids sorted by cell; `cellStart[c] … cellStart[c+1]` are cell c's. */
  readonly order: Uint32Array;
  readonly cellStart: Uint32Array;
}

const indexes = new Map<string, TrajectoryIndex>();

function cellOf(point: ArrayLike<number>, offset: number, groupSize: number, cells: number): number {
  let cell = 0;
  for (let k = 0; k < groupSize; k++)
    cell = cell * cells + Math.min(cells - 1, Math.floor((point[offset + k] as number) * cells));
  return cell;
}

function trajectoryIndex(settings: HyperSettings): TrajectoryIndex {
  const key = `${settings.groupSize}:${settings.indexBits}:${settings.step}`;
  const cached = indexes.get(key);
  if (cached) return cached;
  const { groupSize } = settings;
  const count = 2 ** settings.indexBits;
  const direction = windingDirection(groupSize);
  const points = new Float64Array(count * groupSize);
  const point = new Float64Array(groupSize);
  for (let theta = 0; theta < count; theta++) {
    trajectoryPoint(theta, settings.step, direction, point);
    points.set(point, theta * groupSize);
  }
  const cells = Math.max(1, Math.floor(Math.pow(count, 1 / groupSize)));
  const cellIds = Uint32Array.from({ length: count }, (_, theta) =>
    cellOf(points, theta * groupSize, groupSize, cells),
  );
  const order = Uint32Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => (cellIds[a] as number) - (cellIds[b] as number) || a - b,
  );
  const cellStart = new Uint32Array(cells ** groupSize + 1);
  for (const id of cellIds) cellStart[id + 1] = (cellStart[id + 1] as number) + 1;
  for (let c = 0; c < cells ** groupSize; c++)
    cellStart[c + 1] = (cellStart[c + 1] as number) + (cellStart[c] as number);
  const index = { points, groupSize, cells, order, cellStart };
  indexes.set(key, index);
  return index;
}

/** Visits every cell at Chebyshev distance exactly `ring` from `center` (cell coordinates). */
function visitRing(center: number[], ring: number, cells: number, visit: (cell: number) => void): void {
  const dims = center.length;
  const offset = new Array<number>(dims).fill(-ring);
  for (;;) {
    if (offset.some((o) => Math.abs(o) === ring)) {
      let cell = 0;
      let inside = true;
      for (let k = 0; k < dims; k++) {
        const c = (center[k] as number) + (offset[k] as number);
        if (c < 0 || c >= cells) inside = false;
        cell = cell * cells + c;
      }
      if (inside) visit(cell);
    }
    let k = dims - 1;
    while (k >= 0 && offset[k] === ring) offset[k--] = -ring;
    if (k < 0) return;
    offset[k] = (offset[k] as number) + 1;
  }
}

/** θ of the trajectory sample nearest to `target` (exact: rings grow until no closer cell can exist). */
export function nearestTheta(index: TrajectoryIndex, target: Float64Array): number {
  const { groupSize, cells, points } = index;
  const center = Array.from(target, (x) => Math.min(cells - 1, Math.floor(x * cells)));
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  const visit = (cell: number): void => {
    for (let s = index.cellStart[cell] as number; s < (index.cellStart[cell + 1] as number); s++) {
      const theta = index.order[s] as number;
      let dist = 0;
      for (let k = 0; k < groupSize; k++) {
        const d = (points[theta * groupSize + k] as number) - (target[k] as number);
        dist += d * d;
      }
      if (dist < bestDistance || (dist === bestDistance && theta < best)) {
        bestDistance = dist;
        best = theta;
      }
    }
  };
  for (let ring = 0; ring <= cells; ring++) {
    // Any cell in ring r+1 or beyond is at least r/cells away from the target.
    if (ring > 0 && (ring - 1) / cells > Math.sqrt(bestDistance)) break;
    visitRing(center, ring, cells, visit);
  }
  return best;
}

function range(values: Float32Array): { low: number; high: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return { low: Math.fround(low), high: Math.fround(high) };
}

/** `hyper`: hyper-compression, one b-bit θ per group of K weights on an irrational winding of the K-torus; lossy. */
export const hyperCompressor: Compressor<HyperSettings> = {
  name: 'hyper',
  displayName: 'Hyper-Compression',
  referenceUrl: 'https://arxiv.org/abs/2409.00592',
  description: 'hyper-compression: one θ on an irrational winding of the K-torus per group of K weights',
  settingsSchema: HyperSettingsSchema,
  lossless: false,
  accepts: (values) => values.length > 0,
  encode(values, shape, settings) {
    const { groupSize } = settings;
    const index = trajectoryIndex(settings);
    const { low, high } = range(values);
    const span = high - low;
    const groups = Math.ceil(values.length / groupSize);
    const thetas = new Uint32Array(groups);
    const target = new Float64Array(groupSize);
    for (let g = 0; g < groups; g++) {
      for (let k = 0; k < groupSize; k++) target[k] = span > 0 ? ((values[g * groupSize + k] ?? low) - low) / span : 0;
      thetas[g] = nearestTheta(index, target);
    }
    const packed = packBits(thetas, settings.indexBits);
    return {
      method: 'hyper',
      shape: [...shape],
      tensors: new Map([['thetas', { dtype: 'U8', shape: [packed.length], data: packed }]]),
      params: { groupSize, indexBits: settings.indexBits, step: settings.step, low, high },
    };
  },
  decode(encoded) {
    const groupSize = numberParam(encoded, 'groupSize');
    if (!Number.isInteger(groupSize) || groupSize < 1)
      throw new ForgeError(`hyper: bad groupSize ${groupSize}`, { field: 'groupSize' });
    const step = numberParam(encoded, 'step');
    const low = numberParam(encoded, 'low');
    const span = numberParam(encoded, 'high') - low;
    const count = sizeOf(encoded.shape);
    const thetas = unpackBits(
      requirePart(encoded, 'thetas', 'U8'),
      numberParam(encoded, 'indexBits'),
      Math.ceil(count / groupSize),
    );
    const direction = windingDirection(groupSize);
    const point = new Float64Array(groupSize);
    const out = new Float32Array(count);
    for (let g = 0; g < thetas.length; g++) {
      trajectoryPoint(thetas[g] as number, step, direction, point);
      for (let k = 0; k < groupSize && g * groupSize + k < count; k++)
        out[g * groupSize + k] = low + span * (point[k] as number);
    }
    return out;
  },
};

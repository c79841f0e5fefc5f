/**
 * A weight fingerprint: the merged values at fixed positions sampled (seeded, in proportion to
 * tensor size) from the source layout. Block tensors of a merge whose depth differs from the sources'
 * are read at the same relative depth (source block ℓ of L ↔ merged block round(ℓ·(D−1)/(L−1))), so
 * merges of any depth compare. Cheap to store with each fitness, which keeps the weight diversity of
 * a resumed run identical to that of an uninterrupted one.
 */
import { Rng, hostValues, type WeightMap } from '@agent-forge/core';
import { countLayers, layerTensorName, parseLayerName } from '../params/position.js';

export interface FingerprintProbe {
  readonly name: string;
  readonly index: number;
}

/** Sampled positions per fingerprint. */
export const FINGERPRINT_SIZE = 512;

export function fingerprintProbes(layout: WeightMap, size = FINGERPRINT_SIZE): FingerprintProbe[] {
  const rng = Rng.fromSeed(0xf1a9).fork('fingerprint');
  const tensors = [...layout].map(([name, tensor]) => ({ name, count: tensor.shape.reduce((a, b) => a * b, 1) }));
  const total = tensors.reduce((sum, tensor) => sum + tensor.count, 0);
  return Array.from({ length: size }, () => {
    let position = rng.int(0, total - 1);
    for (const tensor of tensors) {
      if (position < tensor.count) return { name: tensor.name, index: position };
      position -= tensor.count;
    }
    throw new Error('unreachable: position within the total');
  });
}

export function fingerprintOf(weights: WeightMap, probes: readonly FingerprintProbe[], sourceLayers: number): number[] {
  const depth = countLayers(weights.keys());
  const values = new Map<string, ArrayLike<number>>();
  return probes.map(({ name, index }) => {
    const parsed = parseLayerName(name);
    const mapped =
      parsed === undefined
        ? name
        : layerTensorName(
            sourceLayers > 1 ? Math.round((parsed.layer * (depth - 1)) / (sourceLayers - 1)) : 0,
            parsed.suffix,
            parsed.prefix,
          );
    let data = values.get(mapped);
    if (data === undefined) {
      const tensor = weights.get(mapped);
      data = tensor === undefined ? [] : tensor.dtype === 'F32' ? tensor.data : hostValues(tensor);
      values.set(mapped, data);
    }
    return data[index] ?? 0;
  });
}

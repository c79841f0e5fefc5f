import { MODEL_PRESETS, TinyTitan, useBackend, weightsFromTf, type WeightMap } from '@agent-forge/core';

/** Real-shaped TinyTitan weights (tiny preset: 2 blocks, d 64), seeded. */
export async function tinyWeights(seed: number, layers = MODEL_PRESETS.tiny.nLayers): Promise<WeightMap> {
  await useBackend('cpu');
  const model = new TinyTitan({ ...MODEL_PRESETS.tiny, nLayers: layers }, { seed });
  try {
    return weightsFromTf(model.namedWeights());
  } finally {
    model.dispose();
  }
}

export function sameBytes(a: { data: ArrayBufferView }, b: { data: ArrayBufferView }): boolean {
  return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(
    Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  );
}

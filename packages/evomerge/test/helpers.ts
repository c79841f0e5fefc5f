import { ForgeError, hostTensor, type WeightMap } from '@agent-forge/core';
import { expect } from 'vitest';
import { mergeWeightMaps, type MergeConfigInput } from '../src/index.js';

/**
 * The method mergekit-methods.test.ts registers from outside the package. Test files share one worker
 * (the package runs with `isolate: false`), so it is in MERGE_METHODS for every file that runs after that one.
 */
export const OUTSIDE_METHOD = 'test_elementwise_max';

/** A weight map of F32 tensors from plain numbers (shape [n] unless given). */
export function weights(tensors: Record<string, number[] | { shape: number[]; values: number[] }>): WeightMap {
  const map: WeightMap = new Map();
  for (const [name, spec] of Object.entries(tensors)) {
    const { shape, values } = Array.isArray(spec) ? { shape: [spec.length], values: spec } : spec;
    map.set(name, hostTensor('F32', shape, Float32Array.from(values)));
  }
  return map;
}

/** Merge single-tensor models `{a: [..], b: [..]}` (tensor `w`) and return the merged `w`. */
export async function mergeOne(config: MergeConfigInput, models: Record<string, number[]>): Promise<number[]> {
  const maps = new Map(Object.entries(models).map(([name, values]) => [name, weights({ w: values })]));
  const merged = await mergeWeightMaps(config, maps);
  return [...(merged.get('w')?.data ?? [])];
}

export function expectClose(actual: readonly number[], expected: readonly number[], digits = 6): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value, `index ${i}`).toBeCloseTo(expected[i] as number, digits));
}

/** The ForgeError a promise rejects with; fails the test when it resolves or throws something else. */
export async function forgeError(promise: Promise<unknown>): Promise<ForgeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ForgeError);
    return error as ForgeError;
  }
  throw new Error('expected a ForgeError');
}

import type { DatasetSource } from '../data/dataset.js';
import type { PresetName } from './types.js';

const BUILTIN_COUNT: Record<PresetName, number> = { tiny: 2000, small: 20000, paper: 100000 };

/**
 * The embedded default every phase trains on when the user gives no data: the built-in generator
 * of arithmetic word problems, sized by preset, so `forge run` works with no data at all.
 */
export function builtinDataFor(preset: PresetName, seed: number): DatasetSource {
  return { kind: 'builtin', count: BUILTIN_COUNT[preset], seed, difficulty: 2 };
}

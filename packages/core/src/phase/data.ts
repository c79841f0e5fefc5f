import type { DatasetSource } from '../data/dataset.js';
import type { PresetName } from './types.js';

const BUILTIN_COUNT: Record<PresetName, number> = { tiny: 2000, small: 20000, paper: 100000 };
// small and paper mix difficulties 1–3 in equal shares: trained on two-step problems alone, a model answers a
// one-step problem in two steps, and never sees a three-step answer. tiny keeps difficulty 2: its tests and
// demo figures were measured on it, and its 64-token context cuts longer problems anyway.
const BUILTIN_DIFFICULTY: Record<PresetName, number | number[]> = { tiny: 2, small: [1, 2, 3], paper: [1, 2, 3] };

/**
 * The embedded default every phase trains on when the user gives no data: the built-in generator
 * of arithmetic word problems, sized by preset, so `forge run` works with no data at all.
 */
export function builtinDataFor(preset: PresetName, seed: number): DatasetSource {
  return { kind: 'builtin', count: BUILTIN_COUNT[preset], seed, difficulty: BUILTIN_DIFFICULTY[preset] };
}

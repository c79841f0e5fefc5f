import type { WeightMap } from '@agent-forge/core';
import type { MergePlan } from '../plan/planned-tensor.js';

/** Produce every planned tensor into a weight map, in plan order (the in-memory path the evolutionary search uses). */
export async function collectWeights(plan: MergePlan): Promise<WeightMap> {
  const weights: WeightMap = new Map();
  for (const planned of plan.tensors) weights.set(planned.name, await planned.produce());
  return weights;
}

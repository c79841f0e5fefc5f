import { ForgeError } from '@agent-forge/core';
import type { MergeConfig } from '../config/schema.js';
import { getMergeMethod } from '../registry.js';
import type { MergePlan } from './planned-tensor.js';
import { planRouting } from './route-tensors.js';
import type { TensorSource } from './sources.js';
import { planTensorwise } from './tensorwise-plan.js';
import { planTensorwiseSlices } from './tensorwise-slices.js';

/** Every model reference a config names (base, models, slice sources, dfs route), each once. */
export function referencedModels(config: MergeConfig): string[] {
  const models = [
    ...(config.base_model === undefined ? [] : [config.base_model]),
    ...(config.models ?? []).map((entry) => entry.model),
    ...(config.slices ?? []).flatMap((slice) => slice.sources.map((source) => source.model)),
    ...(config.dfs !== undefined && 'route' in config.dfs ? config.dfs.route.map((step) => step.model) : []),
  ];
  return [...new Set(models)];
}

/** Plan the merge a validated config describes over `sources` (one per referenced model). */
export function planMerge(config: MergeConfig, sources: ReadonlyMap<string, TensorSource>): MergePlan {
  const missing = referencedModels(config).filter((model) => !sources.has(model));
  if (missing.length > 0)
    throw new ForgeError(`no weights given for model(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
  const method = getMergeMethod(config.merge_method);
  if (method.kind === 'layer-routing') return planRouting(config, method, sources);
  return config.slices === undefined
    ? planTensorwise(config, method, sources)
    : planTensorwiseSlices(config, method, sources);
}

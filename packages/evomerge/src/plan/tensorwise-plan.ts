import { ForgeError, type Dtype } from '@agent-forge/core';
import type { MergeConfig } from '../config/schema.js';
import { mergedModels } from '../config/parse.js';
import type { TensorwiseMergeMethod } from '../method.js';
import { countLayers, gradientPosition } from '../params/position.js';
import { checkSameTensors } from './check-tensors.js';
import { isFloatDtype, mergeDtypes, type MergeDtypes } from './float-values.js';
import type { MergePlan } from './planned-tensor.js';
import type { TensorInfo, TensorSource } from './sources.js';
import { plannedFromJob, type ParameterLevels } from './tensor-jobs.js';

/**
 * Plan a tensorwise merge of whole models (`models:`): check that all models agree on tensor names
 * and shapes, resolve and validate every tensor's parameters up front, and return one PlannedTensor
 * per name that reads just that tensor from each model when produced. Per-model parameters are looked
 * up in `models[i].parameters`, then the global `parameters`, as in mergekit.
 */
export function planTensorwise(
  config: MergeConfig,
  method: TensorwiseMergeMethod,
  sources: ReadonlyMap<string, TensorSource>,
): MergePlan {
  const merged = mergedModels(config, method);
  const baseName = method.baseModel === 'unused' ? undefined : config.base_model;
  const primaryModel = baseName ?? (merged[0] as string);
  const source = (model: string): TensorSource => sources.get(model) as TensorSource;
  const primary = source(primaryModel);
  checkSameTensors(
    primary,
    [...new Set([...merged, primaryModel])].filter((model) => model !== primaryModel).map(source),
  );
  const layerCount = countLayers(primary.tensors.map((tensor) => tensor.name));
  const dtypes = mergeDtypes(config);
  const global: ParameterLevels = [[config.parameters, 'parameters']];
  const modelLevels = (model: string): ParameterLevels => {
    const index = (config.models ?? []).findIndex((entry) => entry.model === model);
    return [[config.models?.[index]?.parameters, `models[${index}].parameters`], ...global];
  };
  const tensors = primary.tensors.map((info) =>
    plannedFromJob(
      {
        name: info.name,
        shape: info.shape,
        dtype: outputDtype(dtypes, info, primary.label),
        position: gradientPosition(info.name, layerCount),
        base: baseName === undefined ? undefined : { model: baseName, name: info.name },
        inputs: merged.map((model) => ({ model, name: info.name, levels: modelLevels(model) })),
        globalLevels: global,
      },
      method,
      config,
      sources,
      dtypes,
    ),
  );
  return { tensors, layerCount, primaryModel };
}

export function outputDtype(dtypes: MergeDtypes, info: TensorInfo, label: string): Dtype {
  if (!isFloatDtype(info.dtype)) {
    throw new ForgeError(`tensor '${info.name}' of '${label}' is ${info.dtype}: only float tensors can be merged`);
  }
  return dtypes.output(info.dtype);
}

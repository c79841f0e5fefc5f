import { ForgeError, type Dtype } from '@agent-forge/core';
import { seededStream } from '../kernels/seeded-stream.js';
import type { MergeConfig } from '../config/schema.js';
import { mergedModels } from '../config/parse.js';
import type { TensorwiseMergeMethod } from '../method.js';
import { countLayers, gradientPosition } from '../params/position.js';
import { resolveGlobalParameters, resolveModelParameters, type TensorContext } from '../params/resolve.js';
import { checkSameTensors } from './check-tensors.js';
import { castForCompute, floatValues, isFloatDtype, mergeDtypes, toDtype, type MergeDtypes } from './float-values.js';
import type { MergePlan, PlannedTensor } from './planned-tensor.js';
import type { TensorInfo, TensorSource } from './sources.js';

/**
 * Plan a tensorwise merge: check that all models agree on tensor names and shapes, resolve and
 * validate every tensor's parameters up front (a bad value fails before any data is read), and
 * return one PlannedTensor per name that reads just that tensor from each model when produced.
 */
export function planTensorwise(config: MergeConfig, method: TensorwiseMergeMethod, sources: ReadonlyMap<string, TensorSource>): MergePlan {
  const merged = mergedModels(config, method);
  const baseName = method.baseModel === 'unused' ? undefined : config.base_model;
  const primaryModel = baseName ?? (merged[0] as string);
  const source = (model: string): TensorSource => sources.get(model) as TensorSource;
  const primary = source(primaryModel);
  checkSameTensors(primary, [...new Set([...merged, primaryModel])].filter((model) => model !== primaryModel).map(source));
  const layerCount = countLayers(primary.tensors.map((tensor) => tensor.name));
  const dtypes = mergeDtypes(config);
  const tensors = primary.tensors.map((info): PlannedTensor => {
    const context: TensorContext = { tensorName: info.name, position: gradientPosition(info.name, layerCount) };
    const params = resolveGlobalParameters(method.globalParameters, config, context, method.name);
    const modelParams = merged.map((model) => resolveModelParameters(method.modelParameters, config, model, context, method.name));
    const dtype = outputDtype(dtypes, info, primary.label);
    const produce = async () => {
      const read = async (model: string): Promise<Float32Array> =>
        castForCompute(floatValues(await source(model).read(info.name), model, info.name), dtypes.compute);
      const [base, ...values] = await Promise.all([baseName === undefined ? undefined : read(baseName), ...merged.map(read)]);
      const result = method.merge({
        name: info.name,
        shape: info.shape,
        base,
        models: values.map((modelValues, index) => ({ values: modelValues as Float32Array, params: modelParams[index] })),
        params,
        rng: (index) => seededStream(config.seed, info.name, merged[index] ?? String(index)),
      });
      return toDtype(dtype, info.shape, result);
    };
    return { name: info.name, dtype, shape: info.shape, produce };
  });
  return { tensors, layerCount, primaryModel };
}

function outputDtype(dtypes: MergeDtypes, info: TensorInfo, label: string): Dtype {
  if (!isFloatDtype(info.dtype)) {
    throw new ForgeError(`tensor '${info.name}' of '${label}' is ${info.dtype}: only float tensors can be merged`);
  }
  return dtypes.output(info.dtype);
}

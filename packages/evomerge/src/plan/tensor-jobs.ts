import type { Dtype } from '@agent-forge/core';
import { seededStream } from '../kernels/seeded-stream.js';
import type { MergeConfig } from '../config/schema.js';
import type { TensorwiseMergeMethod } from '../method.js';
import { resolveFromLevels } from '../params/resolve.js';
import type { Parameters } from '../params/setting.js';
import { castForCompute, floatValues, toDtype, type MergeDtypes } from './float-values.js';
import type { PlannedTensor } from './planned-tensor.js';
import type { TensorSource } from './sources.js';

/** Where a parameter is looked up, in order (first set wins), with the config path each level stands for. */
export type ParameterLevels = readonly (readonly [Parameters | undefined, string])[];

/** One input of a merged tensor: the model, the name of its tensor, and where its per-model parameters are looked up. */
export interface JobInput {
  readonly model: string;
  /** The input tensor's name (differs from the output name when a slice renumbers layers); per-model filters match it, as in mergekit. */
  readonly name: string;
  readonly levels: ParameterLevels;
}

/**
 * One output tensor of a tensorwise merge: which tensor of which models it merges, at which gradient
 * position, and where its global parameters are looked up (filters match the output name).
 */
export interface TensorJob {
  readonly name: string;
  readonly shape: readonly number[];
  /** Output dtype (from the config's dtypes and the input it is based on). */
  readonly dtype: Dtype;
  readonly position: number;
  readonly base: { readonly model: string; readonly name: string } | undefined;
  readonly inputs: readonly JobInput[];
  readonly globalLevels: ParameterLevels;
}

/**
 * The planned tensor of a job: every parameter is resolved and validated now (a bad value fails
 * before any data is read); `produce` reads the job's inputs, casts them to the compute dtype and
 * runs the method.
 */
export function plannedFromJob(
  job: TensorJob,
  method: TensorwiseMergeMethod,
  config: MergeConfig,
  sources: ReadonlyMap<string, TensorSource>,
  dtypes: MergeDtypes,
): PlannedTensor {
  const params = resolveFromLevels(
    method.globalParameters,
    job.globalLevels,
    { tensorName: job.name, position: job.position },
    method.name,
  );
  const modelParams = job.inputs.map((input) =>
    resolveFromLevels(
      method.modelParameters,
      input.levels,
      { tensorName: input.name, position: job.position },
      `${method.name}' for model '${input.model}`,
    ),
  );
  const read = async (model: string, name: string): Promise<Float32Array> => {
    const tensor = await (sources.get(model) as TensorSource).read(name);
    return castForCompute(floatValues(tensor, model, name), dtypes.compute);
  };
  const produce = async () => {
    const [base, ...values] = await Promise.all([
      job.base === undefined ? undefined : read(job.base.model, job.base.name),
      ...job.inputs.map((input) => read(input.model, input.name)),
    ]);
    const result = method.merge({
      name: job.name,
      shape: job.shape,
      base,
      models: values.map((modelValues, index) => ({ values: modelValues as Float32Array, params: modelParams[index] })),
      params,
      rng: (index) => seededStream(config.seed, job.name, job.inputs[index]?.model ?? String(index)),
    });
    return toDtype(job.dtype, job.shape, result);
  };
  return { name: job.name, dtype: job.dtype, shape: job.shape, produce };
}

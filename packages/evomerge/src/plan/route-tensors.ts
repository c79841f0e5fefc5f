import { ForgeError, formatShape, sameShape, type HostTensor } from '@agent-forge/core';
import { z } from 'zod';
import type { MergeConfig } from '../config/schema.js';
import type { LayerRoutingMergeMethod, RouteStep } from '../method.js';
import { countLayers, isBeforeBlocks, layerTensorName, parseLayerName } from '../params/position.js';
import { resolveFromLevels } from '../params/resolve.js';
import type { Parameters } from '../params/setting.js';
import { castForCompute, floatValues, mergeDtypes, toDtype, type MergeDtypes } from './float-values.js';
import type { MergePlan, PlannedTensor } from './planned-tensor.js';
import type { TensorInfo, TensorSource } from './sources.js';

/**
 * The tensors that write a block's output into the residual stream (TinyTitan: the attention output
 * projection and the MLP down projection; Llama-style names: `o_proj`, `down_proj`). DFS input scales
 * are folded into them: in a pre-norm block whose norms ignore the input's scale (RMSNorm, LayerNorm,
 * up to their epsilon), B(c·x) = c·B'(x) where B' has these two matrices divided by c. So a path
 * h_k = B_k(s_k·h_{k−1}) equals, up to the factor C_k = s_1⋯s_k that the final norm removes, the plain
 * stack of blocks B_k with these matrices divided by C_k — a checkpoint any loader runs as it is.
 */
export const RESIDUAL_WRITER_SUFFIXES: readonly string[] = [
  'attn.o.weight',
  'mlp.down.weight',
  'self_attn.o_proj.weight',
  'mlp.down_proj.weight',
];

const scaleSchema = z.object({ scale: z.number().optional() });

/**
 * Plan a layer-routing merge: the tensors before the blocks, the routed blocks renumbered from 0,
 * then the tensors after the blocks. Outside the blocks, as mergekit's passthrough: embeddings from
 * the first slice's model, final norm and head from the last slice's (`base_model`, where the method
 * takes one, supplies both; dfs without one: its first model).
 */
export function planRouting(
  config: MergeConfig,
  method: LayerRoutingMergeMethod,
  sources: ReadonlyMap<string, TensorSource>,
): MergePlan {
  const layerCounts = new Map(
    [...sources].map(([model, source]) => [model, countLayers(source.tensors.map((t) => t.name))]),
  );
  const { steps } = method.route(config, layerCounts);
  if (steps.length === 0) throw new ForgeError(`the ${method.name} route selects no layer`);
  const firstModel = config.slices?.[0]?.sources[0]?.model ?? (config.models?.[0]?.model as string);
  const lastModel = config.slices?.at(-1)?.sources[0]?.model ?? firstModel;
  const [beforeModel, afterModel] = [config.base_model ?? firstModel, config.base_model ?? lastModel];
  const source = (model: string): TensorSource => sources.get(model) as TensorSource;
  const layout = checkLayerLayouts(steps, sources);
  const dtypes = mergeDtypes(config);
  const scaleOf = copyScale(config, method);
  let cumulative = 1;
  const blocks = steps.flatMap((step, index) => {
    cumulative *= step.inputScale;
    const dfsFactor = 1 / cumulative;
    return layout.map(({ suffix, info }) => {
      const sourceName = layerTensorName(step.layer, suffix, info.prefix);
      const factor =
        (RESIDUAL_WRITER_SUFFIXES.includes(suffix) ? dfsFactor : 1) *
        scaleOf(sourceName, step.model, step.slice?.index, step.slice?.position ?? 0);
      return copiedTensor(
        { ...info, name: sourceName },
        source(step.model),
        layerTensorName(index, suffix, info.prefix),
        factor,
        dtypes,
      );
    });
  });
  const outside = (model: string, before: boolean, sliceIndex: number | undefined): PlannedTensor[] =>
    source(model)
      .tensors.filter((tensor) => parseLayerName(tensor.name) === undefined && isBeforeBlocks(tensor.name) === before)
      .map((info) => copiedTensor(info, source(model), info.name, scaleOf(info.name, model, sliceIndex, 0), dtypes));
  const lastSlice = config.slices === undefined ? undefined : config.slices.length - 1;
  const tensors = [
    ...outside(beforeModel, true, config.slices === undefined ? undefined : 0),
    ...blocks,
    ...outside(afterModel, false, lastSlice),
  ];
  return { tensors, layerCount: steps.length, primaryModel: config.base_model ?? firstModel };
}

/**
 * The `scale` of a copied tensor, looked up as mergekit's passthrough does: the slice source's
 * parameters (when it is that model), the slice's, then the global ones; filters match the source
 * tensor's name, gradients run over the slice's layers. Unset: 1.
 */
function copyScale(config: MergeConfig, method: LayerRoutingMergeMethod) {
  return (tensorName: string, model: string, sliceIndex: number | undefined, position: number): number => {
    if (!method.parameters.includes('scale')) return 1;
    const levels: [Parameters | undefined, string][] = [];
    const slice = sliceIndex === undefined ? undefined : config.slices?.[sliceIndex];
    if (slice !== undefined) {
      if (slice.sources[0]?.model === model)
        levels.push([slice.sources[0].parameters, `slices[${sliceIndex}].sources[0].parameters`]);
      levels.push([slice.parameters, `slices[${sliceIndex}].parameters`]);
    } else if (config.slices === undefined && config.models?.[0]?.model === model) {
      levels.push([config.models[0].parameters, 'models[0].parameters']);
    }
    levels.push([config.parameters, 'parameters']);
    return resolveFromLevels(scaleSchema, levels, { tensorName, position }, method.name).scale ?? 1;
  };
}

function copiedTensor(
  info: TensorInfo,
  from: TensorSource,
  name: string,
  factor: number,
  dtypes: MergeDtypes,
): PlannedTensor {
  const dtype = dtypes.output(info.dtype);
  const produce = async (): Promise<HostTensor> => {
    const tensor = await from.read(info.name);
    // An unscaled copy kept in its own dtype keeps the donor's bytes exactly.
    if (factor === 1 && dtype === tensor.dtype && (dtypes.compute === undefined || dtypes.compute === tensor.dtype))
      return tensor;
    const values = castForCompute(floatValues(tensor, from.label, info.name), dtypes.compute);
    const scaled = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) scaled[i] = (values[i] as number) * factor;
    return toDtype(dtype, info.shape, scaled);
  };
  return { name, dtype, shape: info.shape, produce };
}

/** Every routed layer must have the same tensors (in-block names and shapes) so the output is one consistent model. */
function checkLayerLayouts(
  steps: readonly RouteStep[],
  sources: ReadonlyMap<string, TensorSource>,
): { suffix: string; info: TensorInfo & { prefix: string } }[] {
  const layoutOf = (step: RouteStep): Map<string, TensorInfo & { prefix: string }> =>
    new Map(
      (sources.get(step.model) as TensorSource).tensors.flatMap((info) => {
        const parsed = parseLayerName(info.name);
        return parsed?.layer === step.layer ? [[parsed.suffix, { ...info, prefix: parsed.prefix }] as const] : [];
      }),
    );
  const first = steps[0] as RouteStep;
  const reference = layoutOf(first);
  const problems: string[] = [];
  for (const step of steps.slice(1)) {
    const layout = layoutOf(step);
    for (const [suffix, info] of reference) {
      const other = layout.get(suffix);
      if (other === undefined) problems.push(`'${step.model}' layer ${step.layer} has no '${suffix}'`);
      else if (!sameShape(other.shape, info.shape) || other.prefix !== info.prefix) {
        problems.push(
          `'${suffix}' is ${formatShape(other.shape)} in '${step.model}' layer ${step.layer} but ${formatShape(info.shape)} in '${first.model}' layer ${first.layer}`,
        );
      }
    }
    for (const suffix of layout.keys())
      if (!reference.has(suffix)) problems.push(`'${step.model}' layer ${step.layer} has an extra '${suffix}'`);
  }
  if (problems.length > 0)
    throw new ForgeError(`the routed layers do not fit together: ${problems.slice(0, 10).join('; ')}`);
  return [...reference].map(([suffix, info]) => ({ suffix, info }));
}

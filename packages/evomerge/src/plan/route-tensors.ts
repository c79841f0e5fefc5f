import { ForgeError, formatShape, sameShape, type Dtype, type HostTensor } from '@agent-forge/core';
import { OUTPUT_DTYPES, type MergeConfig } from '../config/schema.js';
import type { LayerRoutingMergeMethod, RouteStep } from '../method.js';
import { countLayers, gradientPosition, layerTensorName, parseLayerName } from '../params/position.js';
import { floatValues, toDtype } from './float-values.js';
import type { MergePlan, PlannedTensor } from './planned-tensor.js';
import type { TensorInfo, TensorSource } from './sources.js';

/**
 * The tensors that write a block's output into the residual stream (TinyTitan: the attention output
 * projection and the MLP down projection). DFS input scales are folded into them: in a pre-norm block
 * whose norms ignore the input's scale (RMSNorm, LayerNorm, up to their epsilon), B(c·x) = c·B'(x)
 * where B' has these two matrices divided by c. So a path h_k = B_k(s_k·h_{k−1}) equals, up to the
 * factor C_k = s_1⋯s_k that the final norm removes, the plain stack of blocks B_k with these matrices
 * divided by C_k — a checkpoint any TinyTitan loader runs, with no extra operation in the forward.
 */
export const RESIDUAL_WRITER_SUFFIXES: readonly string[] = ['attn.o.weight', 'mlp.down.weight'];

/** Plan a layer-routing merge: the non-block tensors of the primary model, then the routed blocks renumbered from 0. */
export function planRouting(config: MergeConfig, method: LayerRoutingMergeMethod, sources: ReadonlyMap<string, TensorSource>): MergePlan {
  const layerCounts = new Map([...sources].map(([model, source]) => [model, countLayers(source.tensors.map((t) => t.name))]));
  const { steps } = method.route(config, layerCounts);
  const primaryModel = config.base_model ?? config.slices?.[0]?.sources[0]?.model ?? (config.models?.[0]?.model as string);
  const primary = sources.get(primaryModel) as TensorSource;
  const layout = checkLayerLayouts(steps, sources);
  const outside = primary.tensors.filter((tensor) => parseLayerName(tensor.name) === undefined);
  const copy = (info: TensorInfo, from: TensorSource, name: string, factor = 1): PlannedTensor =>
    copiedTensor(info, from, name, factor, config.dtype === undefined ? info.dtype : OUTPUT_DTYPES[config.dtype]);
  let cumulative = 1;
  const blocks = steps.flatMap((step, index) => {
    cumulative *= step.inputScale;
    const factor = 1 / cumulative;
    const from = sources.get(step.model) as TensorSource;
    return layout.map(({ suffix, info }) =>
      copy({ ...info, name: layerTensorName(step.layer, suffix) }, from, layerTensorName(index, suffix), RESIDUAL_WRITER_SUFFIXES.includes(suffix) ? factor : 1));
  });
  const before = outside.filter((tensor) => gradientPosition(tensor.name, steps.length) === 0).map((info) => copy(info, primary, info.name));
  const after = outside.filter((tensor) => gradientPosition(tensor.name, steps.length) !== 0).map((info) => copy(info, primary, info.name));
  return { tensors: [...before, ...blocks, ...after], layerCount: steps.length, primaryModel };
}

function copiedTensor(info: TensorInfo, from: TensorSource, name: string, factor: number, dtype: Dtype): PlannedTensor {
  const produce = async (): Promise<HostTensor> => {
    const tensor = await from.read(info.name);
    // An unscaled copy in its own dtype keeps the donor's bytes exactly.
    if (factor === 1 && dtype === tensor.dtype) return tensor;
    const values = floatValues(tensor, from.label, info.name);
    const scaled = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) scaled[i] = (values[i] as number) * factor;
    return toDtype(dtype, info.shape, scaled);
  };
  return { name, dtype, shape: info.shape, produce };
}

/** Every routed layer must have the same tensors (in-block names and shapes) so the output is one consistent model. */
function checkLayerLayouts(steps: readonly RouteStep[], sources: ReadonlyMap<string, TensorSource>): { suffix: string; info: TensorInfo }[] {
  const layoutOf = (step: RouteStep): Map<string, TensorInfo> => new Map(
    (sources.get(step.model) as TensorSource).tensors.flatMap((info) => {
      const parsed = parseLayerName(info.name);
      return parsed?.layer === step.layer ? [[parsed.suffix, info] as const] : [];
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
      else if (!sameShape(other.shape, info.shape)) {
        problems.push(`'${suffix}' is ${formatShape(other.shape)} in '${step.model}' layer ${step.layer} but ${formatShape(info.shape)} in '${first.model}' layer ${first.layer}`);
      }
    }
    for (const suffix of layout.keys()) if (!reference.has(suffix)) problems.push(`'${step.model}' layer ${step.layer} has an extra '${suffix}'`);
  }
  if (problems.length > 0) throw new ForgeError(`the routed layers do not fit together: ${problems.slice(0, 10).join('; ')}`);
  return [...reference].map(([suffix, info]) => ({ suffix, info }));
}

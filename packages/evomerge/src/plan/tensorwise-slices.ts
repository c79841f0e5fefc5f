import { ForgeError, formatShape, sameShape } from '@agent-forge/core';
import type { MergeConfig } from '../config/schema.js';
import type { TensorwiseMergeMethod } from '../method.js';
import { countLayers, isBeforeBlocks, layerTensorName, parseLayerName, positionInRun } from '../params/position.js';
import { mergeDtypes } from './float-values.js';
import type { MergePlan, PlannedTensor } from './planned-tensor.js';
import type { TensorInfo, TensorSource } from './sources.js';
import { plannedFromJob, type ParameterLevels, type TensorJob } from './tensor-jobs.js';
import { outputDtype } from './tensorwise-plan.js';

type Slice = NonNullable<MergeConfig['slices']>[number];

/**
 * Plan a tensorwise merge written with mergekit's `slices:` (its usual slerp form): each slice
 * merges the same number of layers from each of its sources, layer by layer, and the slices' outputs
 * are stacked and renumbered from 0. As in mergekit's planner, a layer's gradient position runs over
 * its slice (i/(n − 1), 1 for a one-layer slice); per-model parameters are looked up in the slice
 * source's `parameters`, then the slice's, then the global ones (filters match the source tensor's
 * name); global parameters in the slice's, then the global ones (filters match the output name).
 * Tensors before the blocks are merged across the first slice's sources, those after across the
 * last slice's, at position 0. The base model (where the method uses one) is one of each slice's sources.
 */
export function planTensorwiseSlices(
  config: MergeConfig,
  method: TensorwiseMergeMethod,
  sources: ReadonlyMap<string, TensorSource>,
): MergePlan {
  const slices = config.slices as readonly Slice[];
  const infos = new Map(
    [...sources].map(([model, source]) => [model, new Map(source.tensors.map((info) => [info.name, info]))]),
  );
  const context: SliceContext = { config, method, sources, infos, dtypes: mergeDtypes(config) };
  let outLayer = 0;
  const blocks = slices.flatMap((slice, index) => {
    const length = checkRanges(slice, index, sources);
    return Array.from({ length }, (_, offset) => {
      const layer = outLayer++;
      const first = slice.sources[0] as Slice['sources'][number];
      return blockTensors(sourceOf(context, first.model), first.layer_range[0] + offset).map(({ suffix, prefix }) =>
        plannedSliceTensor(context, slice, index, {
          name: layerTensorName(layer, suffix, prefix),
          inNames: slice.sources.map((entry) => layerTensorName(entry.layer_range[0] + offset, suffix, prefix)),
          position: positionInRun(offset, length),
        }),
      );
    }).flat();
  });
  const primaryModel = config.base_model ?? (slices[0]?.sources[0]?.model as string);
  return {
    tensors: [...outsideBlocks(context, 0, true), ...blocks, ...outsideBlocks(context, slices.length - 1, false)],
    layerCount: outLayer,
    primaryModel,
  };
}

/** What planning every tensor of a `slices:` merge needs. */
interface SliceContext {
  readonly config: MergeConfig;
  readonly method: TensorwiseMergeMethod;
  readonly sources: ReadonlyMap<string, TensorSource>;
  readonly infos: ReadonlyMap<string, ReadonlyMap<string, TensorInfo>>;
  readonly dtypes: ReturnType<typeof mergeDtypes>;
}

/** One output tensor of a slice: its name, the name of its input in each source, its gradient position. */
interface SliceTensor {
  readonly name: string;
  readonly inNames: readonly string[];
  readonly position: number;
}

const sourceOf = (context: SliceContext, model: string): TensorSource => context.sources.get(model) as TensorSource;

/** The tensors before (or after) the blocks, merged across slice `sliceIndex`'s sources at position 0. */
function outsideBlocks(context: SliceContext, sliceIndex: number, before: boolean): PlannedTensor[] {
  const slice = (context.config.slices as readonly Slice[])[sliceIndex] as Slice;
  return sourceOf(context, slice.sources[0]?.model as string)
    .tensors.filter((info) => parseLayerName(info.name) === undefined && isBeforeBlocks(info.name) === before)
    .map((info) =>
      plannedSliceTensor(context, slice, sliceIndex, {
        name: info.name,
        inNames: slice.sources.map(() => info.name),
        position: 0,
      }),
    );
}

/** Plans one output tensor of slice `index`, with the slice's parameter levels and base model. */
function plannedSliceTensor(context: SliceContext, slice: Slice, index: number, tensor: SliceTensor): PlannedTensor {
  const { config, method, infos, dtypes } = context;
  const { inNames } = tensor;
  const baseIndex =
    method.baseModel === 'unused' ? -1 : slice.sources.findIndex((entry) => entry.model === config.base_model);
  const shapes = slice.sources.map((entry, j) => ({
    model: entry.model,
    info: infos.get(entry.model)?.get(inNames[j] as string),
  }));
  const reference = checkSameShapes(shapes, inNames, index);
  const sliceLevel: ParameterLevels = [
    [slice.parameters, `slices[${index}].parameters`],
    [config.parameters, 'parameters'],
  ];
  const inputs = slice.sources.flatMap((entry, j) =>
    j === baseIndex
      ? []
      : [
          {
            model: entry.model,
            name: inNames[j] as string,
            levels: [[entry.parameters, `slices[${index}].sources[${j}].parameters`], ...sliceLevel] as ParameterLevels,
          },
        ],
  );
  const tensorJob: TensorJob = {
    name: tensor.name,
    shape: reference.shape,
    dtype: outputDtype(dtypes, reference, slice.sources[0]?.model ?? ''),
    position: tensor.position,
    base:
      baseIndex < 0
        ? undefined
        : { model: slice.sources[baseIndex]?.model as string, name: inNames[baseIndex] as string },
    inputs,
    globalLevels: sliceLevel,
  };
  return plannedFromJob(tensorJob, method, config, context.sources, dtypes);
}

/** The in-block names of block `layer` of a model. */
function blockTensors(source: TensorSource, layer: number): { suffix: string; prefix: string }[] {
  return source.tensors.flatMap((info) => {
    const parsed = parseLayerName(info.name);
    return parsed?.layer === layer ? [{ suffix: parsed.suffix, prefix: parsed.prefix }] : [];
  });
}

/** Every source's range lies within its model (mergekit also needs equal lengths, checked with the config); returns the slice's length. */
function checkRanges(slice: Slice, index: number, sources: ReadonlyMap<string, TensorSource>): number {
  slice.sources.forEach((entry, j) => {
    const available = countLayers((sources.get(entry.model) as TensorSource).tensors.map((info) => info.name));
    if (entry.layer_range[1] > available) {
      throw new ForgeError(
        `layer_range [${entry.layer_range.join(', ')}) runs past '${entry.model}', which has ${available} layers`,
        { field: `slices[${index}].sources[${j}].layer_range` },
      );
    }
  });
  const [start, end] = (slice.sources[0] as Slice['sources'][number]).layer_range;
  return end - start;
}

function checkSameShapes(
  found: readonly { model: string; info: TensorInfo | undefined }[],
  names: readonly string[],
  index: number,
): TensorInfo {
  const first = found[0]?.info;
  found.forEach(({ model, info }, j) => {
    if (info === undefined)
      throw new ForgeError(`'${model}' has no tensor '${names[j]}'`, { field: `slices[${index}].sources[${j}]` });
    if (first !== undefined && !sameShape(info.shape, first.shape)) {
      throw new ForgeError(
        `'${names[j]}' of '${model}' is ${formatShape(info.shape)} but '${names[0]}' of '${found[0]?.model}' is ${formatShape(first.shape)}`,
        { field: `slices[${index}].sources[${j}]` },
      );
    }
  });
  return first as TensorInfo;
}

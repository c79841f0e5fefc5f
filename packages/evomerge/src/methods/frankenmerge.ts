import { ForgeError } from '@agent-forge/core';
import type { LayerRoutingMergeMethod, RouteStep, RoutingConfig } from '../method.js';
import { positionInRun } from '../params/position.js';

/**
 * Frankenmerge (mergekit `passthrough`): the output stacks whole layer ranges copied from the
 * models, in the order of `slices`, renumbered from 0; depth may change (e.g. [0, 4) of A then
 * [2, 6) of B gives 8 layers). Each slice has exactly one source; `layer_range` is [start, end).
 *
 * As in mergekit, every copied tensor is multiplied by its `scale` parameter when one is set (per
 * source, per slice or global, filtered by the source tensor's name, graded over the slice's layers),
 * and the tensors outside the blocks come from the first slice's model (embeddings) and the last
 * slice's model (final norm, head). `frankenmerge` alone also takes a `base_model`, which then
 * supplies all tensors outside the blocks (the evolutionary search's recipes use it).
 */
export const frankenmerge: LayerRoutingMergeMethod = {
  kind: 'layer-routing',
  name: 'frankenmerge',
  displayName: 'Frankenmerge',
  referenceUrl: 'https://arxiv.org/abs/2403.13257',
  summary:
    'stack layer ranges of several models; depth may change (base_model, if given, supplies the non-block tensors)',
  reference: "Goddard et al. 2024, Arcee's MergeKit, arXiv:2403.13257 (passthrough)",
  parameters: ['scale'],
  route: (config, layerCounts) => ({ steps: sliceSteps(config, layerCounts) }),
};

/** mergekit's name and semantics: `base_model` is refused, since passthrough takes no tensor from it. */
export const passthrough: LayerRoutingMergeMethod = {
  ...frankenmerge,
  name: 'passthrough',
  displayName: 'Passthrough',
  referenceUrl: 'https://arxiv.org/abs/2403.13257',
  summary: 'frankenmerge as mergekit defines it: non-block tensors from the first and last slice',
};

function sliceSteps(config: RoutingConfig, layerCounts: ReadonlyMap<string, number>): RouteStep[] {
  // mergekit's passthrough over `models:` (one model): the whole model as one slice, e.g. to change its dtype.
  const whole = config.models?.[0]?.model;
  const slices =
    config.slices ??
    (whole === undefined
      ? []
      : [{ sources: [{ model: whole, layer_range: [0, layerCounts.get(whole) ?? 0] as const }] }]);
  return slices.flatMap((slice, sliceIndex) => {
    if (slice.sources.length !== 1) {
      throw new ForgeError(
        `frankenmerge copies layers, so each slice takes exactly one source, got ${slice.sources.length}`,
        { field: `slices[${sliceIndex}].sources` },
      );
    }
    const source = slice.sources[0] as (typeof slice.sources)[number];
    const [start, end] = source.layer_range;
    const available = layerCounts.get(source.model) ?? 0;
    if (end > available) {
      throw new ForgeError(
        `layer_range [${start}, ${end}) runs past '${source.model}', which has ${available} layers`,
        {
          field: `slices[${sliceIndex}].sources[0].layer_range`,
        },
      );
    }
    return Array.from(
      { length: end - start },
      (_, offset): RouteStep => ({
        model: source.model,
        layer: start + offset,
        inputScale: 1,
        slice: { index: sliceIndex, position: positionInRun(offset, end - start) },
      }),
    );
  });
}

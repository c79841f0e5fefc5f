import { ForgeError } from '@agent-forge/core';
import type { LayerRoutingMergeMethod, RouteStep } from '../method.js';

/**
 * Frankenmerge (mergekit `passthrough`): the output stacks whole layer ranges copied from the
 * models, in the order of `slices`, renumbered from 0; depth may change (e.g. [0, 4) of A then
 * [2, 6) of B gives 8 layers). Each slice has exactly one source; `layer_range` is [start, end).
 * Tensors outside the blocks come from `base_model`, or the first slice's model.
 */
export const frankenmerge: LayerRoutingMergeMethod = {
  kind: 'layer-routing',
  name: 'frankenmerge',
  summary: 'stack layer ranges of several models (passthrough); depth may change',
  route(config, layerCounts) {
    const steps: RouteStep[] = [];
    for (const [sliceIndex, slice] of (config.slices ?? []).entries()) {
      const field = `slices[${sliceIndex}].sources`;
      if (slice.sources.length !== 1) {
        throw new ForgeError(`frankenmerge copies layers, so each slice takes exactly one source, got ${slice.sources.length}`, { field });
      }
      const source = slice.sources[0] as (typeof slice.sources)[number];
      const [start, end] = source.layer_range;
      const available = layerCounts.get(source.model) ?? 0;
      if (end > available) {
        throw new ForgeError(`layer_range [${start}, ${end}) runs past '${source.model}', which has ${available} layers`, {
          field: `${field}[0].layer_range`,
        });
      }
      for (let layer = start; layer < end; layer++) steps.push({ model: source.model, layer, inputScale: 1 });
    }
    return { steps };
  },
};

/** mergekit's name for it. */
export const passthrough: LayerRoutingMergeMethod = { ...frankenmerge, name: 'passthrough', summary: 'alias of frankenmerge (mergekit name)' };

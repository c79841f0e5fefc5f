import { ForgeError } from '@agent-forge/core';
import type { TensorwiseMergeMethod } from '../method.js';
import type { MergeConfig } from './schema.js';

/**
 * What mergekit needs of a tensorwise merge written with `slices:`: within a slice every source
 * spans the same number of layers and names a different model; the base (when given) is one of each
 * slice's sources — the slice merges its own sources' tensors, and mergekit does not add the base to
 * a slice — and the models besides the base fit the method's count.
 */
export function checkTensorwiseSlices(config: MergeConfig, method: TensorwiseMergeMethod): void {
  for (const [index, slice] of (config.slices ?? []).entries()) {
    const field = `slices[${index}].sources`;
    const models = slice.sources.map((source) => source.model);
    const repeated = models.find((model, j) => models.indexOf(model) !== j);
    if (repeated !== undefined)
      throw new ForgeError(`'${repeated}' is listed twice in one slice; each source must be a different model`, {
        field,
      });
    const [start, end] = (slice.sources[0] as (typeof slice.sources)[number]).layer_range;
    slice.sources.forEach((source, j) => {
      if (source.layer_range[1] - source.layer_range[0] !== end - start) {
        throw new ForgeError(
          `all sources of a slice must span the same number of layers (${end - start} in the first, ${source.layer_range[1] - source.layer_range[0]} here)`,
          {
            field: `${field}[${j}].layer_range`,
          },
        );
      }
    });
    if (config.base_model !== undefined && !models.includes(config.base_model)) {
      throw new ForgeError(
        `base_model '${config.base_model}' must be one of the slice's sources (each slice merges its own sources' layers)`,
        { field },
      );
    }
    const merged = method.baseModel === 'unused' ? models : models.filter((model) => model !== config.base_model);
    const { min, max } = method.models;
    if (merged.length < min || (max !== undefined && merged.length > max)) {
      const wanted = max === undefined ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`;
      throw new ForgeError(
        `merge method '${method.name}' takes ${wanted} models per slice besides the base, got ${merged.length}`,
        { field },
      );
    }
  }
}

import { ForgeError } from '@agent-forge/core';
import type { LayerRoutingMergeMethod } from '../method.js';
import type { MergeConfig } from './schema.js';

/**
 * A routing method reads `slices` (frankenmerge, passthrough; or, as in mergekit, `models` with a
 * single model, copied whole) or `models` (dfs), never both, and only its own parameter names.
 */
export function checkRouting(config: MergeConfig, method: LayerRoutingMergeMethod): void {
  if (method.name === 'dfs') {
    if (config.models === undefined) throw new ForgeError(`merge method 'dfs' needs \`models\``, { field: 'models' });
    if (config.slices !== undefined)
      throw new ForgeError(`merge method 'dfs' reads \`models\`, not \`slices\``, { field: 'slices' });
  } else {
    if (config.slices === undefined && config.models === undefined)
      throw new ForgeError(`merge method '${method.name}' needs \`slices\``, { field: 'slices' });
    if (config.slices !== undefined && config.models !== undefined)
      throw new ForgeError(`merge method '${method.name}' reads \`slices\` or one model under \`models\`, not both`, {
        field: 'models',
      });
    if (config.models !== undefined && config.models.length !== 1) {
      throw new ForgeError(
        `${method.name} copies layers: under \`models\` it takes exactly one model (use \`slices\` to stack several), got ${config.models.length}`,
        { field: 'models' },
      );
    }
  }
  if (method.name === 'passthrough' && config.base_model !== undefined) {
    throw new ForgeError(
      'passthrough takes no tensor from base_model (as in mergekit, embeddings come from the first slice, final norm and head from the last): remove it, or use frankenmerge, where base_model supplies them',
      { field: 'base_model' },
    );
  }
  const levels: (readonly [Readonly<Record<string, unknown>> | undefined, string])[] = [
    [config.parameters, 'parameters'],
    ...(config.models ?? []).map((entry, i) => [entry.parameters, `models[${i}].parameters`] as const),
    ...(config.slices ?? []).flatMap((slice, i) => [
      [slice.parameters, `slices[${i}].parameters`] as const,
      ...slice.sources.map((source, j) => [source.parameters, `slices[${i}].sources[${j}].parameters`] as const),
    ]),
  ];
  for (const [parameters, field] of levels) {
    for (const name of Object.keys(parameters ?? {})) {
      if (!method.parameters.includes(name)) {
        const known = method.parameters.length > 0 ? method.parameters.join(', ') : 'none';
        throw new ForgeError(`'${method.name}' has no parameter '${name}' (parameters: ${known})`, {
          field: `${field}.${name}`,
        });
      }
    }
  }
}

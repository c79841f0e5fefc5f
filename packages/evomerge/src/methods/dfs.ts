import { ForgeError } from '@agent-forge/core';
import type { DfsSettings, LayerRoutingMergeMethod, RouteStep } from '../method.js';

/**
 * Data-flow-space merge (Akiba et al. 2024, "Evolutionary Optimization of Model Merging Recipes",
 * arXiv:2403.13187): the output is a path through the layers of all models, with the hidden state
 * scaled on entering each layer to correct the distribution shift between models.
 *
 * Two ways to give the path (`dfs:` in the config):
 *  - `route: [{model, layer, scale}]`, the path written out;
 *  - Sakana's genome: the layers of all models concatenated in `models` order (M in all) are repeated
 *    `repeats` times (r; 3 in the paper) into T = M·r slots, layer slot i is used when `include[i] > 0`,
 *    and `scales[j][k]` (M × M, default all 1) scales the input of layer k when the previous layer was
 *    j. The first layer's input (the embedding) is not scaled — our reading; the paper leaves it open.
 *
 * Scales must be positive: they are folded into the weights (see plan/route-tensors.ts).
 */
export const dfs: LayerRoutingMergeMethod = {
  kind: 'layer-routing',
  name: 'dfs',
  displayName: 'Data Flow Space (DFS)',
  referenceUrl: 'https://arxiv.org/abs/2403.13187',
  summary: 'data-flow-space layer routing with per-step hidden-state scaling (Sakana)',
  reference: 'Akiba et al. 2024, Evolutionary Optimization of Model Merging Recipes, arXiv:2403.13187',
  parameters: [],
  route(config, layerCounts) {
    if (config.dfs === undefined)
      throw new ForgeError('dfs needs a `dfs:` section: a `route`, or `repeats` + `include`', { field: 'dfs' });
    const steps =
      'route' in config.dfs
        ? explicitRoute(config.dfs, layerCounts)
        : decodeGenome(config.dfs, globalLayers(config, layerCounts));
    if (steps.length === 0) throw new ForgeError('the dfs path selects no layer', { field: 'dfs' });
    return { steps };
  },
};

type ExplicitRoute = Extract<DfsSettings, { route: unknown }>;
type Genome = Extract<DfsSettings, { repeats: number }>;

function explicitRoute(settings: ExplicitRoute, layerCounts: ReadonlyMap<string, number>): RouteStep[] {
  return settings.route.map((step, index) => {
    const available = layerCounts.get(step.model);
    if (available === undefined)
      throw new ForgeError(`model '${step.model}' is not listed under models`, { field: `dfs.route[${index}].model` });
    if (step.layer >= available)
      throw new ForgeError(`'${step.model}' has ${available} layers, there is no layer ${step.layer}`, {
        field: `dfs.route[${index}].layer`,
      });
    return { model: step.model, layer: step.layer, inputScale: step.scale };
  });
}

/** The M layers of all models in `models` order: global layer g ↔ (model, layer). */
function globalLayers(
  config: { readonly models?: readonly { readonly model: string }[] },
  layerCounts: ReadonlyMap<string, number>,
): { model: string; layer: number }[] {
  return (config.models ?? []).flatMap(({ model }) =>
    Array.from({ length: layerCounts.get(model) ?? 0 }, (_, layer) => ({ model, layer })),
  );
}

/** Decode Sakana's indicator array and scaling matrix into a path. */
export function decodeGenome(genome: Genome, layers: readonly { model: string; layer: number }[]): RouteStep[] {
  const m = layers.length;
  if (genome.include.length !== m * genome.repeats) {
    throw new ForgeError(
      `include needs repeats × total layers = ${genome.repeats} × ${m} = ${m * genome.repeats} entries, got ${genome.include.length}`,
      { field: 'dfs.include' },
    );
  }
  if (genome.scales !== undefined && (genome.scales.length !== m || genome.scales.some((row) => row.length !== m))) {
    throw new ForgeError(`scales must be a ${m} × ${m} matrix (one row and column per layer of all models)`, {
      field: 'dfs.scales',
    });
  }
  const steps: RouteStep[] = [];
  let previous: number | undefined;
  genome.include.forEach((value, slot) => {
    if (value <= 0) return;
    const global = slot % m;
    const scale = previous === undefined ? 1 : (genome.scales?.[previous]?.[global] ?? 1);
    steps.push({ ...(layers[global] as { model: string; layer: number }), inputScale: scale });
    previous = global;
  });
  return steps;
}

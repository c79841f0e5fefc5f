/** A genome as the merge config it stands for (mergekit-shaped), over models named by `modelName`. */
import type { MergeConfigInput } from '../config/schema.js';
import type { ParameterSetting } from '../params/setting.js';
import { DENSITY_METHODS, TASK_VECTOR_METHODS, quantize, type Genome } from './genome.js';

/** The name of source model `index` in the decoded config (the key of its weight map). */
export function sourceName(index: number): string {
  return `model${index}`;
}

/** One value per layer group: a scalar for one group, else a gradient over the depth (mergekit semantics). */
function gradient(values: readonly number[]): ParameterSetting {
  return values.length === 1 ? (values[0] as number) : [...values];
}

/**
 * The merge config of `genome`. Model references are `modelName(index)`: the in-memory search uses
 * the default names as weight-map keys; the phase's recipe artifact passes checkpoint directories.
 */
export function genomeToMergeConfig(
  genome: Genome,
  modelCount: number,
  modelName: (index: number) => string = sourceName,
): MergeConfigInput {
  const indices = Array.from({ length: modelCount }, (_, index) => index);
  const base = modelName(genome.base);
  const seed = genome.seed;
  switch (genome.method) {
    case 'linear':
      return {
        merge_method: 'linear',
        models: indices.map((i) => ({
          model: modelName(i),
          parameters: { weight: gradient(genome.weights[i] ?? []) },
        })),
        seed,
      };
    case 'slerp':
      return {
        merge_method: 'slerp',
        base_model: base,
        models: [{ model: base }, { model: modelName(genome.other) }],
        parameters: { t: gradient(genome.t) },
        seed,
      };
    case 'model_stock':
      return {
        merge_method: 'model_stock',
        base_model: base,
        models: indices.map((i) => ({ model: modelName(i) })),
        seed,
      };
    case 'frankenmerge':
      return {
        merge_method: 'frankenmerge',
        base_model: base,
        seed,
        slices: genome.route.map((step) => ({
          sources: [{ model: modelName(step.model), layer_range: [step.layer, step.layer + 1] as [number, number] }],
        })),
      };
    case 'dfs':
      return {
        merge_method: 'dfs',
        base_model: base,
        seed,
        models: indices.map((i) => ({ model: modelName(i) })),
        dfs: {
          route: genome.route.map((step) => ({ model: modelName(step.model), layer: step.layer, scale: step.scale })),
        },
      };
    default:
      return taskVectorConfig(genome, indices, modelName);
  }
}

function taskVectorConfig(genome: Genome, indices: number[], modelName: (index: number) => string): MergeConfigInput {
  if (!TASK_VECTOR_METHODS.has(genome.method)) throw new Error(`no decoder for method '${genome.method}'`);
  const withDensity = DENSITY_METHODS.has(genome.method);
  const isDella = genome.method.startsWith('della');
  const models = indices
    .filter((i) => i !== genome.base)
    .map((i) => ({
      model: modelName(i),
      parameters: {
        weight: gradient(genome.weights[i] ?? []),
        ...(withDensity
          ? isDella
            ? dellaDensity(genome.density[i] as number)
            : { density: genome.density[i] as number }
          : {}),
      },
    }));
  return { merge_method: genome.method, base_model: modelName(genome.base), models, seed: genome.seed };
}

/** DELLA keeps probabilities density ± epsilon inside (0, 1): density is capped and epsilon shrunk to fit (default 0.15). */
function dellaDensity(density: number): { density: number; epsilon: number } {
  const capped = Math.min(density, DELLA_MAX_DENSITY);
  return { density: capped, epsilon: quantize(Math.min(DELLA_EPSILON, capped / 2, (1 - capped) / 2)) };
}

const DELLA_MAX_DENSITY = 0.9;
const DELLA_EPSILON = 0.15;

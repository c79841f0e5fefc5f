import { ForgeError } from '@agent-forge/core';
import type { z } from 'zod';
import { getMergeMethod } from '../registry.js';
import type { MergeMethod, TensorwiseMergeMethod } from '../method.js';
import { checkRouting } from './check-routing.js';
import { checkTensorwiseSlices } from './check-slices.js';
import { MergeConfigSchema, type MergeConfig } from './schema.js';

/**
 * Validate a merge config (parsed YAML or JSON) in two steps: its shape (zod), then what the chosen
 * method needs (models or slices, a base model, known parameter names). Every failure is a
 * ForgeError whose `field` is the dotted path of the offending entry, e.g. `models[1].parameters.wieght`.
 */
export function parseMergeConfig(value: unknown, options: { file?: string } = {}): MergeConfig {
  const parsed = MergeConfigSchema.safeParse(value);
  if (!parsed.success) throw zodError(parsed.error, options.file);
  try {
    checkForMethod(parsed.data, getMergeMethod(parsed.data.merge_method));
  } catch (error) {
    if (error instanceof ForgeError && options.file !== undefined && error.file === undefined) {
      throw new ForgeError(error.message.replace(/^field '[^']*': /, ''), {
        field: error.field,
        file: options.file,
        cause: error,
      });
    }
    throw error;
  }
  return parsed.data;
}

/** zod's first issue as a ForgeError; an unknown key is named as the field itself. */
export function zodError(error: z.ZodError, file?: string, prefix: readonly PropertyKey[] = []): ForgeError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])];
  if (issue?.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  const message = (issue?.message ?? 'invalid value').replace(/^Invalid input: /, '');
  return new ForgeError(message, { field: formatPath(path) || undefined, file });
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((joined, part) => {
    if (typeof part === 'number') return `${joined}[${part}]`;
    return joined === '' ? String(part) : `${joined}.${String(part)}`;
  }, '');
}

function checkForMethod(config: MergeConfig, method: MergeMethod): void {
  if (config.dfs !== undefined && method.name !== 'dfs')
    throw new ForgeError(`\`dfs\` is only read by merge_method dfs`, { field: 'dfs' });
  if (method.kind === 'layer-routing') {
    checkRouting(config, method);
    return;
  }
  if (config.slices !== undefined && config.models !== undefined) {
    throw new ForgeError(`give the models to merge under \`models\` or \`slices\`, not both (as in mergekit)`, {
      field: 'models',
    });
  }
  if (config.models === undefined && config.slices === undefined)
    throw new ForgeError(`merge method '${method.name}' needs \`models\` (or \`slices\`)`, { field: 'models' });
  if (config.slices === undefined) checkModelCount(config, method);
  else {
    if (method.baseModel === 'required' && config.base_model === undefined)
      throw new ForgeError(`merge method '${method.name}' needs a base_model`, { field: 'base_model' });
    checkTensorwiseSlices(config, method);
  }
  checkParameterNames(config, method);
}

function checkModelCount(config: MergeConfig, method: TensorwiseMergeMethod): void {
  if (method.baseModel === 'required' && config.base_model === undefined) {
    throw new ForgeError(`merge method '${method.name}' needs a base_model`, { field: 'base_model' });
  }
  const merged = mergedModels(config, method);
  const { min, max } = method.models;
  const what = method.baseModel !== 'unused' && config.base_model !== undefined ? 'models besides the base' : 'models';
  if (merged.length < min || (max !== undefined && merged.length > max)) {
    const wanted = max === undefined ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`;
    throw new ForgeError(`merge method '${method.name}' takes ${wanted} ${what}, got ${merged.length}`, {
      field: 'models',
    });
  }
}

/**
 * The models a tensorwise method merges: all listed ones, less the base when the method uses one.
 * A method that does not use a base merges a `base_model` as one more model, as mergekit does
 * (it adds the base to the inputs when it is not listed).
 */
export function mergedModels(config: MergeConfig, method: TensorwiseMergeMethod): string[] {
  const listed = [...new Set((config.models ?? []).map((entry) => entry.model))];
  if (method.baseModel !== 'unused') return listed.filter((model) => model !== config.base_model);
  return config.base_model === undefined || listed.includes(config.base_model)
    ? listed
    : [...listed, config.base_model];
}

/** A `parameters` map of the config and its dotted path. */
type NamedLevel = [Readonly<Record<string, unknown>> | undefined, string];

function checkParameterNames(config: MergeConfig, method: TensorwiseMergeMethod): void {
  const globalNames = Object.keys(method.globalParameters.shape);
  const modelNames = Object.keys(method.modelParameters.shape);
  const known = (names: string[]): string => (names.length > 0 ? names.join(', ') : 'none');
  const globalLevels: NamedLevel[] = [
    [config.parameters, 'parameters'],
    ...(config.slices ?? []).map((slice, i): NamedLevel => [slice.parameters, `slices[${i}].parameters`]),
  ];
  for (const [parameters, field] of globalLevels) {
    for (const name of Object.keys(parameters ?? {})) {
      if (!globalNames.includes(name) && !modelNames.includes(name)) {
        throw new ForgeError(
          `'${method.name}' has no parameter '${name}' (parameters: ${known([...globalNames, ...modelNames])})`,
          { field: `${field}.${name}` },
        );
      }
    }
  }
  const modelLevels: NamedLevel[] = [
    ...(config.models ?? []).map((entry, i): NamedLevel => [entry.parameters, `models[${i}].parameters`]),
    ...(config.slices ?? []).flatMap((slice, i) =>
      slice.sources.map((source, j): NamedLevel => [source.parameters, `slices[${i}].sources[${j}].parameters`]),
    ),
  ];
  for (const [parameters, field] of modelLevels) {
    for (const name of Object.keys(parameters ?? {})) {
      if (!modelNames.includes(name)) {
        throw new ForgeError(
          `'${method.name}' has no per-model parameter '${name}' (per-model parameters: ${known(modelNames)})`,
          { field: `${field}.${name}` },
        );
      }
    }
  }
}

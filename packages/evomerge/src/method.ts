import type { Rng } from '@agent-forge/core';
import type { z } from 'zod';

/**
 * The one interface every merge method implements. Two kinds:
 *  - tensorwise methods merge the same-named tensor of each model into one (linear, slerp, the
 *    task-vector family, model_stock); the driver streams the models tensor by tensor through them;
 *  - layer-routing methods (frankenmerge, dfs) decide which source layer fills each output layer;
 *    the driver copies (and renumbers) the layers they choose.
 *
 * Merge math runs on plain Float32Arrays, not tfjs: it is element-wise and memory-bound, so a JS loop
 * is as fast as an engine round trip would be, needs no backend, and is exact (sums are done in JS
 * doubles and rounded to float32 once).
 */
export type MergeMethod = TensorwiseMergeMethod | LayerRoutingMergeMethod;

/** How a method uses `base_model`. */
export type BaseModelUse = 'required' | 'unused';

export interface ModelTensor<M> {
  /** Read-only: the array may belong to the caller's weight map. */
  readonly values: Float32Array;
  readonly params: M;
}

/** What a tensorwise method sees for one tensor name. */
export interface TensorMergeInput<G, M> {
  readonly name: string;
  readonly shape: readonly number[];
  /** The base model's values (read-only) when the method uses a base; undefined otherwise. */
  readonly base: Float32Array | undefined;
  /** The models to merge, without the base when the method uses one, in config order. */
  readonly models: readonly ModelTensor<M>[];
  /** Global parameters, validated, for this tensor. */
  readonly params: G;
  /** Seeded stream for model `index` of this tensor: the same (seed, tensor, model) gives the same draws. */
  rng(index: number): Rng;
}

export interface TensorwiseMergeMethod {
  readonly kind: 'tensorwise';
  readonly name: string;
  readonly summary: string;
  readonly baseModel: BaseModelUse;
  /** How many models to merge, not counting the base (`max` absent: no limit). */
  readonly models: { readonly min: number; readonly max?: number };
  /** Parameters read once per tensor (e.g. `t`, `normalize`), with their defaults. */
  readonly globalParameters: z.ZodObject;
  /** Parameters read per model and tensor (e.g. `weight`, `density`), with their defaults. */
  readonly modelParameters: z.ZodObject;
  /** Merge one tensor; returns a fresh array of the same length. Inputs are never modified. */
  merge(input: TensorMergeInput<unknown, unknown>): Float32Array;
}

/** One output layer of a layer-routing merge. */
export interface RouteStep {
  /** Model reference (as written in the config). */
  readonly model: string;
  /** Block index in that model. */
  readonly layer: number;
  /** Factor applied to the hidden state entering this layer (DFS); 1 leaves it as it is. */
  readonly inputScale: number;
}

export interface LayerRoute {
  readonly steps: readonly RouteStep[];
}

export interface LayerRoutingMergeMethod {
  readonly kind: 'layer-routing';
  readonly name: string;
  readonly summary: string;
  /** The output layers, from the validated config and each model's layer count. */
  route(config: RoutingConfig, layerCounts: ReadonlyMap<string, number>): LayerRoute;
}

/** The parts of a merge config a routing method reads (see config/schema.ts). */
export interface RoutingConfig {
  readonly models?: readonly { readonly model: string }[];
  readonly slices?: readonly { readonly sources: readonly { readonly model: string; readonly layer_range: readonly [number, number] }[] }[];
  readonly dfs?: DfsSettings;
}

export type DfsSettings =
  | { readonly route: readonly { readonly model: string; readonly layer: number; readonly scale: number }[] }
  | { readonly repeats: number; readonly include: readonly number[]; readonly scales?: readonly (readonly number[])[] };

/**
 * Build a tensorwise method with typed parameters. The driver validates each tensor's parameters
 * with the method's own schemas before calling `merge`, which is what makes the one cast here safe.
 */
export function tensorwiseMethod<G extends z.ZodObject, M extends z.ZodObject>(spec: {
  name: string;
  summary: string;
  baseModel: BaseModelUse;
  models: { min: number; max?: number };
  globalParameters: G;
  modelParameters: M;
  merge(input: TensorMergeInput<z.output<G>, z.output<M>>): Float32Array;
}): TensorwiseMergeMethod {
  return {
    kind: 'tensorwise',
    name: spec.name,
    summary: spec.summary,
    baseModel: spec.baseModel,
    models: spec.models,
    globalParameters: spec.globalParameters,
    modelParameters: spec.modelParameters,
    merge: (input) => spec.merge(input as TensorMergeInput<z.output<G>, z.output<M>>),
  };
}

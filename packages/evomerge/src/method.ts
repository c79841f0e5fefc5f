import type { RegistryEntry, Rng } from '@agent-forge/core';
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

/**
 * How a method uses `base_model`: `required` (task vectors, slerp), `optional` (used when given:
 * nuslerp, multislerp), or `unused` — then, as in mergekit, a `base_model` given is merged as one
 * more model (linear, karcher).
 */
export type BaseModelUse = 'required' | 'optional' | 'unused';

/** One model's values of the tensor being merged, with that model's validated per-model parameters `M` (e.g. `weight`, `density`). */
export interface ModelTensor<M> {
  /** Read-only: the array may belong to the caller's weight map. */
  readonly values: Float32Array;
  /** This model's parameters for this tensor: per-model settings over global ones, defaults filled in. */
  readonly params: M;
}

/** What a tensorwise method sees for one tensor name. */
export interface TensorMergeInput<G, M> {
  /** Tensor name as stored in the checkpoint, e.g. `blocks.3.attn.q.weight`; conditional parameters match against it. */
  readonly name: string;
  /** Stored layout of the tensor (TinyTitan linears are [in, out]); the last axis is a "row" for DELLA and `filter_wise`. */
  readonly shape: readonly number[];
  /** The base model's values (read-only) when the method uses a base and the config names one; undefined otherwise. */
  readonly base: Float32Array | undefined;
  /** The models to merge, without the base when the method uses one, in config order. */
  readonly models: readonly ModelTensor<M>[];
  /** Global parameters, validated, for this tensor. */
  readonly params: G;
  /** Seeded stream for model `index` of this tensor: the same (seed, tensor, model) gives the same draws. */
  rng(index: number): Rng;
}

/**
 * A method that merges one tensor name across the models at a time (linear, slerp, the task-vector
 * family, model_stock); build one with {@link tensorwiseMethod}.
 */
export interface TensorwiseMergeMethod extends RegistryEntry {
  /** Discriminant of {@link MergeMethod}. */
  readonly kind: 'tensorwise';
  /** The `merge_method:` name it is registered under (mergekit's spelling, aliases are separate entries). */
  readonly name: string;
  /** One-line, human-readable description of what the method does (e.g. for listing the registry). */
  readonly summary: string;
  /** Citation of the paper or reference the method follows (authors, year, title); its URL is `referenceUrl`. */
  readonly reference: string;
  /** Whether the config must name a `base_model` (task-vector methods, slerp), may (nuslerp, multislerp), or merges it as one more model (linear, karcher). */
  readonly baseModel: BaseModelUse;
  /** How many models to merge, not counting the base (`max` absent: no limit). */
  readonly models: {
    /** Fewest models merged, not counting the base (1 for slerp and the task-vector methods, 2 for model_stock). */
    readonly min: number;
    /** Most models merged, not counting the base (1 for slerp); absent: no limit. */
    readonly max?: number;
  };
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
  /** For a slice-built route (frankenmerge/passthrough): the slice index and the layer's gradient position within the slice, for its parameters. */
  readonly slice?: {
    /** Index of the slice in the config's `slices`. */
    readonly index: number;
    /** The layer's gradient position within its slice: i/(n − 1), 1 for a one-layer slice. */
    readonly position: number;
  };
}

/** The layer plan of a layer-routing merge: which source block fills each output block. */
export interface LayerRoute {
  /** One step per output block, in output order; its length is the merged model's depth (may differ from the sources'). */
  readonly steps: readonly RouteStep[];
}

/**
 * A method that builds the output from whole source layers (frankenmerge/passthrough, dfs) instead of
 * merging values; the driver copies and renumbers the chosen blocks and folds DFS input scales into them.
 */
export interface LayerRoutingMergeMethod extends RegistryEntry {
  /** Discriminant of {@link MergeMethod}. */
  readonly kind: 'layer-routing';
  /** The `merge_method:` name it is registered under. */
  readonly name: string;
  /** One-line, human-readable description of what the method does (e.g. for listing the registry). */
  readonly summary: string;
  /** Paper or reference the method follows. */
  readonly reference: string;
  /** Parameter names it reads per copied tensor (frankenmerge/passthrough: `scale`); any other is a config error. */
  readonly parameters: readonly string[];
  /** The output layers, from the validated config and each model's layer count. */
  route(config: RoutingConfig, layerCounts: ReadonlyMap<string, number>): LayerRoute;
}

/** The parts of a merge config a routing method reads (see config/schema.ts). */
export interface RoutingConfig {
  /** The config's `models:` list; its order numbers the layers of a DFS `include` mask. */
  readonly models?: readonly {
    /** Model reference as written in the config; the key of its layer count. */
    readonly model: string;
  }[];
  /** frankenmerge's layer ranges, stacked in order; `layer_range` is [start, end) in block indices. */
  readonly slices?: readonly {
    /** The slice's source; frankenmerge takes exactly one per slice. */
    readonly sources: readonly {
      /** Model reference the layers are copied from. */
      readonly model: string;
      /** Block indices `[start, end)` of that model, 0-based. */
      readonly layer_range: readonly [number, number];
    }[];
  }[];
  /** The DFS layer path (`dfs:`), required by `dfs`. */
  readonly dfs?: DfsSettings;
}

/**
 * The `dfs:` block of a config, in one of two forms: an explicit `route` of (model, layer, scale)
 * steps, or Sakana's encoding: `include` (one 0/1 flag per slot, T = total layers × `repeats` slots,
 * models' layers concatenated in `models` order) with optional `scales[prev][next]` (a total-layers
 * square matrix, default all 1). Scales must be > 0; they are folded into the weights.
 */
export type DfsSettings =
  | {
      /** The path written out: one step per output block, in output order. */
      readonly route: readonly {
        /** Model the block is taken from (listed under `models`). */
        readonly model: string;
        /** 0-based block index in that model. */
        readonly layer: number;
        /** Factor (> 0) on the hidden state entering the block; 1 leaves it as it is. */
        readonly scale: number;
      }[];
    }
  | {
      /** Times r the concatenated layers of all models are repeated into slots (≥ 1; 3 in Sakana's paper). */
      readonly repeats: number;
      /** One flag per slot (total layers M × `repeats` entries); the slot's layer is used when its entry is > 0. */
      readonly include: readonly number[];
      /** M × M: `scales[j][k]` (> 0) scales the input of layer k when the previous layer was j; absent: all 1. */
      readonly scales?: readonly (readonly number[])[];
    };

/**
 * Build a tensorwise method with typed parameters. The driver validates each tensor's parameters
 * with the method's own schemas before calling `merge`, which is what makes the one cast here safe.
 */
export function tensorwiseMethod<G extends z.ZodObject, M extends z.ZodObject>(spec: {
  name: string;
  displayName: string;
  referenceUrl: string;
  summary: string;
  reference: string;
  baseModel: BaseModelUse;
  models: { min: number; max?: number };
  globalParameters: G;
  modelParameters: M;
  merge(input: TensorMergeInput<z.output<G>, z.output<M>>): Float32Array;
}): TensorwiseMergeMethod {
  return {
    kind: 'tensorwise',
    name: spec.name,
    displayName: spec.displayName,
    referenceUrl: spec.referenceUrl,
    summary: spec.summary,
    reference: spec.reference,
    baseModel: spec.baseModel,
    models: spec.models,
    globalParameters: spec.globalParameters,
    modelParameters: spec.modelParameters,
    merge: (input) => spec.merge(input as TensorMergeInput<z.output<G>, z.output<M>>),
  };
}

import type { Rng } from '@agent-forge/core';
import { z } from 'zod';
import { combineTaskVectors, taskVector, type Consensus } from '../kernels/task-vectors.js';
import { RESCALE_MODES, l1Norm, rescaleToL1, type RescaleMode } from '../kernels/rescale.js';
import { tensorwiseMethod, type TensorMergeInput, type TensorwiseMergeMethod } from '../method.js';

/**
 * The shared shape of the task-vector methods (mergekit's generalized task arithmetic): per model,
 * τ = θ − θ_base, sparsify τ, then combine (kernels/task-vectors.ts). Each method module
 * (task_arithmetic, ties, dare, breadcrumbs, della) picks the sparsifier, the consensus and defaults.
 */
export interface Sparsifier {
  /** Extra per-model parameters the sparsifier reads (e.g. `gamma`, `epsilon`). */
  readonly parameters: z.ZodRawShape;
  /** Mask `delta` in place; with `inverse` also divide each kept entry by its keep probability. */
  apply(
    delta: Float32Array,
    context: { shape: readonly number[]; params: TaskModelParams; inverse: boolean; rng: Rng },
  ): void;
}

export interface TaskVectorMethodSpec {
  readonly name: string;
  /** Human-readable name (mergekit's pretty name). */
  readonly displayName: string;
  /** URL of the paper the method follows. */
  readonly referenceUrl: string;
  readonly summary: string;
  /** Paper or reference the method follows. */
  readonly reference: string;
  /** Present for the TIES-style methods: the default sign election. */
  readonly consensus?: Consensus;
  readonly defaultNormalize: boolean;
  readonly defaultRescale: RescaleMode;
  readonly sparsifier?: Sparsifier;
}

export interface TaskModelParams {
  readonly weight: number;
  readonly density: number;
  readonly [extra: string]: number;
}

interface TaskGlobalParams {
  readonly normalize: boolean;
  readonly lambda: number;
  readonly rescale?: RescaleMode;
  readonly consensus?: Consensus;
}

/**
 * mergekit's `int8_mask`: it stores the sign-election mask as int8 instead of the weights' dtype, which
 * saves memory and changes no value; accepted so mergekit configs run unchanged, with nothing to do here.
 */
export const INT8_MASK = z.boolean().default(false);

/** `rescale`: one of {@link RESCALE_MODES}, or mergekit's boolean (true = its L1 matching, `l1`; false = `none`). */
export const rescaleSchema = z.union(
  [
    z.enum(RESCALE_MODES as [RescaleMode, ...RescaleMode[]]),
    z.boolean().transform((value): RescaleMode => (value ? 'l1' : 'none')),
  ],
  { error: `rescale must be one of ${RESCALE_MODES.join(', ')}, or mergekit's true ('l1') / false ('none')` },
);

export function taskVectorMethod(spec: TaskVectorMethodSpec): TensorwiseMergeMethod {
  return tensorwiseMethod({
    name: spec.name,
    displayName: spec.displayName,
    referenceUrl: spec.referenceUrl,
    summary: spec.summary,
    reference: spec.reference,
    baseModel: 'required',
    models: { min: 1 },
    globalParameters: z.object({
      normalize: z.boolean().default(spec.defaultNormalize),
      lambda: z.number().default(1),
      int8_mask: INT8_MASK,
      ...(spec.sparsifier === undefined ? {} : { rescale: rescaleSchema.default(spec.defaultRescale) }),
      ...(spec.consensus === undefined ? {} : { consensus: z.enum(['sum', 'count']).default(spec.consensus) }),
    }),
    modelParameters: z.object({
      weight: z.number(),
      ...(spec.sparsifier === undefined
        ? {}
        : { density: z.number().min(0).max(1).default(1), ...spec.sparsifier.parameters }),
    }),
    merge: (input) => mergeTaskVectors(spec, input as unknown as TensorMergeInput<TaskGlobalParams, TaskModelParams>),
  });
}

function mergeTaskVectors(
  spec: TaskVectorMethodSpec,
  input: TensorMergeInput<TaskGlobalParams, TaskModelParams>,
): Float32Array {
  const base = input.base as Float32Array;
  const rescale = input.params.rescale ?? 'none';
  const deltas = input.models.map((model, index) => {
    const delta = taskVector(model.values, base);
    if (spec.sparsifier === undefined) return delta;
    const originalL1 = rescale === 'l1' ? l1Norm(delta) : 0;
    spec.sparsifier.apply(delta, {
      shape: input.shape,
      params: model.params,
      inverse: rescale === 'inverse',
      rng: input.rng(index),
    });
    if (rescale === 'l1' && model.params.density < 1) rescaleToL1(delta, originalL1);
    return delta;
  });
  return combineTaskVectors(base, deltas, {
    weights: input.models.map((model) => model.params.weight),
    consensus: input.params.consensus,
    normalize: input.params.normalize,
    lambda: input.params.lambda,
  });
}

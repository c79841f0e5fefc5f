import { z } from 'zod';
import { ParametersSchema } from '../params/setting.js';

/**
 * A merge config, as mergekit's YAML: `merge_method`, `base_model`, `models` or `slices`, `parameters`, `dtype`, `out_dtype`. Additions: `seed` (every random drop is seeded) and
 * `dfs` (the layer path of a data-flow-space merge). Model references are checkpoint directories
 * (holding model.safetensors) or .safetensors files, relative to the working directory as in mergekit.
 */
const modelReference = z.string().min(1, 'a model reference must not be empty');

const inputModel = z
  .object({
    /** Checkpoint directory or .safetensors file (relative to the working directory); the search uses in-memory names `model0`, `model1`, …. */
    model: modelReference,
    /** Per-model parameters (e.g. `weight`, `density`); they override the global `parameters` of the same name for this model. */
    parameters: ParametersSchema.optional(),
  })
  .strict();

const layerRange = z
  .tuple([z.number().int().min(0), z.number().int().min(0)])
  .refine(([start, end]) => end > start, 'layer_range is [start, end) with end > start');

const slice = z
  .object({
    /** Where this slice's layers come from: the models merged layer by layer (tensorwise methods; equal layer counts), or exactly one for passthrough/frankenmerge. */
    sources: z
      .array(
        z
          .object({
            /** Model the layers are copied from (a checkpoint directory or .safetensors file). */
            model: modelReference,
            /** Block indices `[start, end)` to copy, 0-based, `end` > `start` and at most the model's layer count. */
            layer_range: layerRange,
            /** This source's per-model parameters (e.g. `weight`; passthrough's `scale`), over the slice's and the global ones; filters match the source tensor's name. */
            parameters: ParametersSchema.optional(),
          })
          .strict(),
      )
      .min(1),
    /** The slice's parameters, over the global ones; gradients run over the slice's layers. */
    parameters: ParametersSchema.optional(),
  })
  .strict();

const positiveScale = z.number().positive('scales must be positive (they are folded into the weights)');

const dfsSettings = z.union([
  z
    .object({
      /** The path written out: one step per output block, in output order (its length is the merged depth). */
      route: z
        .array(
          z
            .object({
              /** Model the block is taken from; it must be listed under `models`. */
              model: modelReference,
              /** 0-based block index in that model, below its layer count. */
              layer: z.number().int().min(0),
              /** Factor (> 0, default 1) on the hidden state entering this block; folded into the weights. */
              scale: positiveScale.default(1),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  z
    .object({
      /** Times r the concatenated layers of all models are repeated into slots (default 1; 3 in Sakana's paper). */
      repeats: z.number().int().positive().default(1),
      /** One flag per slot (total layers M × `repeats` entries): a slot's layer is used when its entry is > 0. */
      include: z.array(z.number()).min(1),
      /** M × M matrix: `scales[j][k]` (> 0) scales the input of layer k when the previous layer was j; default all 1. */
      scales: z.array(z.array(positiveScale)).optional(),
    })
    .strict(),
]);

/** mergekit's dtype spellings and the safetensors ones. */
export const OUTPUT_DTYPES = {
  /** mergekit's name of 32-bit IEEE floats: written as safetensors `F32`. */
  float32: 'F32',
  /** mergekit's name of 16-bit IEEE half floats: written as safetensors `F16`. */
  float16: 'F16',
  /** mergekit's name of bfloat16 (8-bit exponent, 7-bit mantissa): written as safetensors `BF16`. */
  bfloat16: 'BF16',
  /** The safetensors spelling of float32. */
  F32: 'F32',
  /** The safetensors spelling of float16. */
  F16: 'F16',
  /** The safetensors spelling of bfloat16. */
  BF16: 'BF16',
} as const;

const dtypeName = z.enum(Object.keys(OUTPUT_DTYPES) as [keyof typeof OUTPUT_DTYPES]);

/**
 * Zod schema of a merge config (strict: unknown keys are errors). Checks the shape only; which of
 * `models`/`slices`/`dfs`/`base_model` a method needs is checked by `parseMergeConfig`.
 */
export const MergeConfigSchema = z
  .object({
    /** Registered method name (mergekit spelling, e.g. `linear`, `slerp`, `nuslerp`, `ties`, `dare_ties`, `passthrough`; ours: `frankenmerge`, `dfs`). */
    merge_method: z.string().min(1),
    /**
     * Model the task vectors are taken against (task-vector methods), slerp's t = 0 end, and the source
     * of the non-block tensors of frankenmerge and dfs; required by some methods, merged as one more
     * model by those that use no base (`linear`, `karcher`), refused by `passthrough`.
     */
    base_model: modelReference.optional(),
    /** Models of a tensorwise merge (the base may be listed too) or the layer pool of `dfs`, whose order numbers the layers. */
    models: z.array(inputModel).min(1).optional(),
    /** mergekit's slices, stacked in order into the output (instead of `models`): layer ranges merged per slice, or copied by passthrough/frankenmerge. */
    slices: z.array(slice).min(1).optional(),
    /** Global parameters (e.g. `t`, `normalize`, or a default `weight`/`density` for every model), each a scalar, gradient or condition list. */
    parameters: ParametersSchema.optional(),
    /**
     * mergekit's compute dtype: every input tensor is rounded to it as it is read, and it is the output
     * dtype unless `out_dtype` says otherwise. Default: inputs as stored, output in the dtype of the tensor it is based on.
     */
    dtype: dtypeName.optional(),
    /** Output dtype (mergekit's `out_dtype`); default: `dtype`, else the dtype of the tensor each output is based on. */
    out_dtype: dtypeName.optional(),
    /** Seed of every random choice (DARE and DELLA drops). */
    seed: z.number().int().default(0),
    /** The layer path of a `dfs` merge: an explicit `route`, or Sakana's `include`/`repeats`/`scales` encoding; only read by `dfs`. */
    dfs: dfsSettings.optional(),
  })
  .strict();

/** A merge config as written (YAML/JSON or a literal): `seed` and DFS `scale`/`repeats` may be omitted. */
export type MergeConfigInput = z.input<typeof MergeConfigSchema>;
/** A merge config after schema parsing, defaults filled in (`seed` 0, DFS `scale` 1, `repeats` 1). */
export type MergeConfig = z.output<typeof MergeConfigSchema>;

import { z } from 'zod';
import { ParametersSchema } from '../params/setting.js';

/**
 * A merge config, shaped like mergekit's YAML: `merge_method`, `base_model`, `models` (or `slices`
 * for frankenmerge), `parameters`, `dtype`. Additions: `seed` (every random drop is seeded) and
 * `dfs` (the layer path of a data-flow-space merge). Model references are checkpoint directories
 * (holding model.safetensors) or .safetensors files, relative to the working directory as in mergekit.
 */
const modelReference = z.string().min(1, 'a model reference must not be empty');

const inputModel = z.object({ model: modelReference, parameters: ParametersSchema.optional() }).strict();

const layerRange = z
  .tuple([z.number().int().min(0), z.number().int().min(0)])
  .refine(([start, end]) => end > start, 'layer_range is [start, end) with end > start');

const slice = z
  .object({
    sources: z.array(z.object({ model: modelReference, layer_range: layerRange, parameters: ParametersSchema.optional() }).strict()).min(1),
    parameters: ParametersSchema.optional(),
  })
  .strict();

const positiveScale = z.number().positive('scales must be positive (they are folded into the weights)');

const dfsSettings = z.union([
  z.object({ route: z.array(z.object({ model: modelReference, layer: z.number().int().min(0), scale: positiveScale.default(1) }).strict()).min(1) }).strict(),
  z.object({
    repeats: z.number().int().positive().default(1),
    include: z.array(z.number()).min(1),
    scales: z.array(z.array(positiveScale)).optional(),
  }).strict(),
]);

/** mergekit's dtype spellings and the safetensors ones. */
export const OUTPUT_DTYPES = { float32: 'F32', float16: 'F16', bfloat16: 'BF16', F32: 'F32', F16: 'F16', BF16: 'BF16' } as const;

/**
 * Zod schema of a merge config (strict: unknown keys are errors). Checks the shape only; which of
 * `models`/`slices`/`dfs`/`base_model` a method needs is checked by `parseMergeConfig`.
 */
export const MergeConfigSchema = z
  .object({
    merge_method: z.string().min(1),
    base_model: modelReference.optional(),
    models: z.array(inputModel).min(1).optional(),
    slices: z.array(slice).min(1).optional(),
    parameters: ParametersSchema.optional(),
    /** Output dtype; default: each tensor keeps the dtype of the model it is based on. */
    dtype: z.enum(Object.keys(OUTPUT_DTYPES) as [keyof typeof OUTPUT_DTYPES]).optional(),
    /** Seed of every random choice (DARE and DELLA drops). */
    seed: z.number().int().default(0),
    dfs: dfsSettings.optional(),
  })
  .strict();

/** A merge config as written (YAML/JSON or a literal): `seed` and DFS `scale`/`repeats` may be omitted. */
export type MergeConfigInput = z.input<typeof MergeConfigSchema>;
/** A merge config after schema parsing, defaults filled in (`seed` 0, DFS `scale` 1, `repeats` 1). */
export type MergeConfig = z.output<typeof MergeConfigSchema>;

/**
 * TinyTitan's architecture config: a zod schema with documented defaults and the three scale presets of
 * docs/architecture.md §4. Defaults follow the llama family (rotary positions, SwiGLU, RMSNorm, tied embeddings)
 * because that is what the seed's TinyTitans describe; the GPT-2 variants stay selectable.
 */
import { z } from 'zod';
import { ForgeError } from '../errors.js';

/** SwiGLU's hidden width is rounded up to this multiple (llama's `multiple_of`, scaled down). */
const SWIGLU_MULTIPLE = 32;

const modelConfigObject = z.object({
  /** Tokens in the vocabulary, special tokens included. */
  vocabSize: z.number().int().positive(),
  /** Width of the residual stream. */
  dModel: z.number().int().positive(),
  /** Number of transformer blocks. */
  nLayers: z.number().int().positive(),
  /** Attention heads; must divide dModel. */
  nHeads: z.number().int().positive(),
  /**
   * Hidden width of the MLP. Default: 4·dModel for GELU; for SwiGLU ⅔ of that (so the three
   * matrices cost what GELU's two do), rounded up to a multiple of 32.
   */
  dFF: z.number().int().positive().optional(),
  /** Longest sequence the model sees: sizes the position table and caps the KV cache. */
  contextLength: z.number().int().positive(),
  /** `rotary` (RoPE, no weights) or `learned` (a `pos_embed.weight` table). */
  positions: z.enum(['learned', 'rotary']).default('rotary'),
  /** RoPE base frequency (HF `rope_theta`); only read when positions is `rotary`. */
  ropeTheta: z.number().positive().default(10_000),
  /** `swiglu` (gate, up, down) or `gelu` (up, down; tanh approximation). */
  mlp: z.enum(['gelu', 'swiglu']).default('swiglu'),
  /** `rmsnorm` (weight only) or `layernorm` (weight and bias). */
  norm: z.enum(['rmsnorm', 'layernorm']).default('rmsnorm'),
  /** Share the token embedding with the output head (no `head.weight`). */
  tiedEmbeddings: z.boolean().default(true),
  /** Std of the normal init; residual output projections get initStd/√(2·nLayers) (GPT-2). */
  initStd: z.number().positive().default(0.02),
  /** Epsilon inside the norms. */
  normEps: z.number().positive().default(1e-5),
});

/** The model config schema. Parse user input with it; the output has every default filled in. */
export const ModelConfigSchema = modelConfigObject
  .superRefine((config, context) => {
    if (config.dModel % config.nHeads !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['nHeads'],
        message: `nHeads (${config.nHeads}) must divide dModel (${config.dModel})`,
      });
    } else if (config.positions === 'rotary' && (config.dModel / config.nHeads) % 2 !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['nHeads'],
        message: 'rotary positions need an even head size (dModel / nHeads)',
      });
    }
  })
  .transform((config) => ({
    ...config,
    /** Hidden width of the MLP, always set after parsing: the given value, else 4·dModel for GELU, or ⅔ of that rounded up to a multiple of 32 for SwiGLU. */
    dFF: config.dFF ?? defaultHiddenWidth(config.dModel, config.mlp),
  }));

/** A config as written by a user: optional fields may be left out. */
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;
/** A validated config with every default resolved. */
export type ModelConfig = z.output<typeof ModelConfigSchema>;

function defaultHiddenWidth(dModel: number, mlp: 'gelu' | 'swiglu'): number {
  if (mlp === 'gelu') return 4 * dModel;
  return Math.ceil((8 * dModel) / 3 / SWIGLU_MULTIPLE) * SWIGLU_MULTIPLE;
}

/** Validates a config, throwing a ForgeError that names the first bad field. */
export function parseModelConfig(input: ModelConfigInput): ModelConfig {
  const result = ModelConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `model.${issue.path.join('.')}` : 'model';
  throw new ForgeError(`invalid model config: ${issue?.message ?? result.error.message}`, {
    field,
    cause: result.error,
  });
}

/** Names of the scale presets (docs/architecture.md §4). */
export type ModelPresetName = 'tiny' | 'small' | 'paper';

/**
 * The scale presets, fully resolved. Parameter counts (tied, SwiGLU, RMSNorm, rotary):
 * tiny 139,584 · small 2,164,416 · paper 24,648,192 (the seed's 25M, −1.4%).
 * paper uses 6 layers with a 3·dModel SwiGLU width: the default ⅔·4·dModel width lands at 23.2M with 6
 * layers and 26.3M with 7, and 6 layers also keep wasm training further from its 4 GiB heap limit.
 * small's context is 256 (128 until 2026-12-06): with one token per digit, a three-step built-in problem and
 * its worked answer take up to ~190 tokens, so at 128 they did not fit (rotary positions: no parameters).
 */
export const MODEL_PRESETS: Readonly<Record<ModelPresetName, ModelConfig>> = Object.freeze({
  tiny: parseModelConfig({ vocabSize: 512, dModel: 64, nLayers: 2, nHeads: 4, contextLength: 64 }),
  small: parseModelConfig({ vocabSize: 2048, dModel: 192, nLayers: 4, nHeads: 6, contextLength: 256 }),
  paper: parseModelConfig({ vocabSize: 8192, dModel: 512, nLayers: 6, nHeads: 8, dFF: 1536, contextLength: 256 }),
});

/**
 * Which layers become ternary and how BitLinear quantizes. Recorded in a checkpoint's
 * `config.json` under `extensions.bitnet`, so a loader rebuilds exactly the same model.
 */
import { z } from 'zod';

/** Zod schema of the BitLinear settings: which linears are ternarized and how their inputs are quantized; all fields default to the paper's BitLinear. */
export const BitNetSettingsSchema = z.object({
  /** Ternarize the attention projections q, k, v, o. */
  quantizeAttention: z.boolean().default(true),
  /** Ternarize the MLP projections (gate, up, down). */
  quantizeMlp: z.boolean().default(true),
  /**
   * Ternarize an untied output head. Off by default, as in BitNet b1.58 (the head and the embeddings
   * stay full precision); a tied head is the embedding matrix and always stays full precision.
   */
  quantizeHead: z.boolean().default(false),
  /** Bits of the per-token absmax activation quantizer (the paper: 8). */
  activationBits: z.number().int().min(2).max(16).default(8),
  /** `rms`: the parameter-free RMSNorm before the activation quantizer (the paper's BitLinear); `none` skips it. */
  inputNorm: z.enum(['rms', 'none']).default('rms'),
  /** Epsilon of that norm. */
  normEps: z.number().positive().default(1e-5),
  /**
   * How the packed file stores the token embedding (the tied head) and an untied F32 head: `none` F32,
   * `int8-row` 8-bit with a scale per row, `int4-group` 4-bit with a scale per 32 values (embedding-quant.ts).
   * Loading dequantizes to F32; training and the latent weights are unaffected.
   */
  embeddingQuant: z.enum(['none', 'int8-row', 'int4-group']).default('int8-row'),
});
/** BitLinear settings with every default filled in (see {@link BitNetSettingsSchema}); what a checkpoint records. */
export type BitNetSettings = z.output<typeof BitNetSettingsSchema>;
/** BitLinear settings as a caller may write them: every field optional, defaults applied on parse. */
export type BitNetSettingsInput = z.input<typeof BitNetSettingsSchema>;

/** What `extensions.bitnet` holds: the settings and the layers that are ternary. */
export const BitNetExtensionSchema = z.object({
  /** Format version of this record; only 1 exists. */
  version: z.literal(1),
  /** The BitLinear settings the model was converted with, every default filled in. */
  settings: BitNetSettingsSchema,
  /** Linear module names (e.g. `blocks.0.attn.q`) whose `.weight` is quantized. */
  ternaryLayers: z.array(z.string()),
  /** File in the checkpoint holding the 2-bit packed weights. */
  packedFile: z.string(),
});
/** The parsed `extensions.bitnet` of a BitNet checkpoint's config.json (see {@link BitNetExtensionSchema}). */
export type BitNetExtension = z.output<typeof BitNetExtensionSchema>;

const ATTENTION_LAYER = /^blocks\.\d+\.attn\.[a-z]+$/;
const MLP_LAYER = /^blocks\.\d+\.mlp\.[a-z]+$/;

/** Whether the linear module `name` is ternary under `settings`. */
export function isTernaryLayer(name: string, settings: BitNetSettings): boolean {
  if (ATTENTION_LAYER.test(name)) return settings.quantizeAttention;
  if (MLP_LAYER.test(name)) return settings.quantizeMlp;
  if (name === 'head') return settings.quantizeHead;
  return false;
}

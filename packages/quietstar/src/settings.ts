/**
 * The Quiet-STaR settings that shape a thought: length, teacher-forced tokens, thoughts per position,
 * the mixing head's width, the meta-token embedding scale, the sampling temperature and the REINFORCE
 * knobs. Stored in a checkpoint's `extensions.quietstar` together with the token ids and the sidecar name,
 * so a loader rebuilds the same thinker.
 */
import { SPECIAL_IDS, parseConfig } from '@agent-forge/core';
import { z } from 'zod';

/**
 * Zod schema of the thought settings; every field has a default (the `tiny` preset's thought shape).
 * Prefer {@link parseQuietStarSettings}, which turns zod issues into a ForgeError naming the field.
 */
export const QuietStarSettingsSchema = z.object({
  /**
   * Sampled thought tokens between `<|startofthought|>` and `<|endofthought|>`. The reference trains
   * 12 including start/end (10 sampled) and releases an 8-ahead model; small models get shorter thoughts.
   */
  thoughtLength: z.number().int().min(1).max(32).default(4),
  /** True tokens after the thought whose likelihood rewards it (the reference's `n_ahead_talk = 4`). */
  nTrue: z.number().int().min(1).max(8).default(2),
  /** Thoughts sampled per position; their mean reward is the REINFORCE baseline (reference `n_passes = 2`). */
  nThoughts: z.number().int().min(2).max(8).default(2),
  /**
   * Positions per sequence that get thoughts in training and evaluation: a contiguous window of this many
   * base positions, its start drawn per batch from the seeded stream; each still attends to its whole
   * prefix. Default: every position (the reference). A step's thought cost scales with it, which is what
   * makes `small` trainable on a CPU. Inference always thinks after the last token.
   */
  thoughtPositions: z.number().int().positive().optional(),
  /** Hidden width of the mixing head; default the model width (the reference's talk head uses d). */
  mixerHidden: z.number().int().positive().optional(),
  /**
   * How the head's output becomes the mixing weight w. `linear` (reference): the raw output, starting at
   * exactly 0, free to go negative, where base + |w|·(base − thought) contrasts against the thought and
   * can lower the loss whatever the thought says. `unit`: w = sigmoid(output), starting at
   * sigmoid(−4) ≈ 0.018, so the prediction is a convex mix and only a useful thought can lower the loss.
   */
  mixWeight: z.enum(['linear', 'unit']).default('linear'),
  /**
   * The start/end embeddings are trained as `e / scale` and used as `e`: under Adam this multiplies their
   * effective learning rate by `scale` (the paper's meta-token gradient weighting; the reference uses 100
   * with lr 1e-6, this default suits this project's ~1e-3 fine-tune rates).
   */
  thoughtEmbeddingScale: z.number().positive().default(10),
  /** Temperature of thought sampling (Gumbel-max); 0 = greedy thoughts. Reference: 1. */
  temperature: z.number().min(0).default(1),
  /** Weight of the REINFORCE term next to the LM loss on the mixed logits. */
  policyWeight: z.number().min(0).default(1),
  /**
   * Which weights receive the REINFORCE term's gradient. `'all'` (default): every weight it depends on,
   * the LM trunk included (the reference's behaviour). `'thoughts-only'`: only the start/end-of-thought
   * embeddings; the trunk, embedding matrix, head and mixing head get the LM loss terms' gradients alone
   * (costs one extra backward pass through the thought rollout per micro-batch).
   */
  policyGradientTarget: z.enum(['all', 'thoughts-only']).default('all'),
  /** Clamp negative advantages to 0 (reference `remove_negative_rewards = True`). */
  clampNegativeRewards: z.boolean().default(true),
  /**
   * Weight b of the plain next-token loss of the base pass (no thought) in the objective:
   * loss = (1 − b)·mixed LM loss + b·base loss + policyWeight·REINFORCE. The reference uses b = 0.5
   * (`original_loss_weight` with `first_and_last_mode`), over every position; here the base loss covers
   * every position of the batch too, thought window or not. 0 (default) leaves only the mixed loss.
   */
  baseLossWeight: z.number().min(0).max(1).default(0),
});
/** Parsed thought settings, every default filled in: what `Thinker` and the objective read. */
export type QuietStarSettings = z.output<typeof QuietStarSettingsSchema>;
/** Thought settings as written by a user or a config file: every field optional. */
export type QuietStarSettingsInput = z.input<typeof QuietStarSettingsSchema>;

/** The key of `extensions.quietstar` in a checkpoint's config.json. */
export const QUIETSTAR_EXTENSION = 'quietstar';
/** The sidecar file (mixing head + trained meta-token embeddings) next to model.safetensors. */
export const QUIETSTAR_SIDECAR = 'quietstar.safetensors';

/** What `extensions.quietstar` records: the settings plus what a loader must find. */
export const QuietStarExtensionSchema = QuietStarSettingsSchema.extend({
  /** Token id of `<|startofthought|>`; default the tokenizer's reserved id 3. */
  startOfThoughtId: z.number().int().nonnegative().default(SPECIAL_IDS.startOfThought),
  /** Token id of `<|endofthought|>`; default the tokenizer's reserved id 4. */
  endOfThoughtId: z.number().int().nonnegative().default(SPECIAL_IDS.endOfThought),
  /** Mixing head layer shapes, `[in, out]` each: `[[2d, h], [h, 1]]`. */
  mixerShape: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])),
  /** File name, relative to the checkpoint directory, of the mixing head + meta-token embeddings. */
  sidecar: z.string().min(1).default(QUIETSTAR_SIDECAR),
});
/** A parsed `extensions.quietstar` record: the thought settings plus marker ids, `mixerShape` and sidecar name. */
export type QuietStarExtension = z.output<typeof QuietStarExtensionSchema>;

/**
 * Validates thought settings and fills the defaults (`undefined` → all defaults); a bad value throws a
 * ForgeError whose field reads `<prefix>.<name>` (default prefix `quietstar`).
 */
export function parseQuietStarSettings(input: unknown, prefix = QUIETSTAR_EXTENSION): QuietStarSettings {
  return parseConfig(QuietStarSettingsSchema, input ?? {}, { prefix });
}

/**
 * Validates a checkpoint's `extensions.quietstar` record (from config.json); errors name
 * `extensions.quietstar.<field>`. `mixerShape` is required, everything else has a default.
 */
export function parseQuietStarExtension(input: unknown): QuietStarExtension {
  return parseConfig(QuietStarExtensionSchema, input, { prefix: `extensions.${QUIETSTAR_EXTENSION}` });
}

/** Steps after the base pass in training: start, the thought, end, then nTrue − 1 teacher-forced tokens. */
export function trainingSteps(settings: Pick<QuietStarSettings, 'thoughtLength' | 'nTrue'>): number {
  return settings.thoughtLength + settings.nTrue + 1;
}

/**
 * The baking phase's settings: the prompts (nine personas and the tool conventions, editable), the
 * LoRA shape, the trajectories, the per-bake training run (every knob of core's loop at the top
 * level, with baking defaults) and the evaluation sizes.
 */
import { DataSettingsSchema, TrainConfigSchema } from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';
import { LoraModulesSchema } from './lora/settings.js';
import { DEFAULT_PERSONAS, DEFAULT_TOOLS, PERSONA_NAME, mergePrompts } from './personas.js';

const nameSchema = z
  .string()
  .regex(PERSONA_NAME, 'names are lower-case letters, digits and dashes (they become file names)');

/** A tool convention: the prompt that demonstrates it and the text whose appearance shows it is used. */
export const ToolPromptSchema = z.object({
  /** Text placed before the input while sampling trajectories: it demonstrates the convention for the adapter to absorb. */
  prompt: z.string().min(1),
  /** Counted in generated text: the share of generations that contain it is the tool-use rate. */
  marker: z.string().min(1),
});
/** A parsed tool convention: its demonstration prompt and its marker text. */
export type ToolPrompt = z.output<typeof ToolPromptSchema>;

const DEFAULT_TOOL_PROMPTS: Readonly<Record<string, ToolPrompt>> = Object.freeze({
  calculator: { prompt: DEFAULT_TOOLS.calculator as string, marker: '<<' },
});

/**
 * Settings of the baking phase: the prompts to bake, LoRA shape, trajectory sampling, evaluation
 * sizes, and every core training knob at the top level (baking's defaults: lr 5e-3, no weight decay,
 * no spike guard), and core's data settings (`DataSettingsSchema`: the held-out split gives the inputs x).
 * Preset values come from {@link bakingPresetDefaults}; unknown keys are errors.
 */
export const BakingPhaseConfigSchema = TrainConfigSchema.extend(DataSettingsSchema.shape)
  .extend({
    /**
     * Persona → system prompt, merged over the nine defaults (reasoning, memory, math, code,
     * translation, summarization, qa, creative, general); a value of null drops that persona.
     */
    personas: z
      .record(nameSchema, z.string().min(1).nullable())
      .default({})
      .transform((value) => mergePrompts(DEFAULT_PERSONAS, value)),
    /** Tool conventions to bake, merged over the default `calculator` (GSM8K `<<a*b=c>>`); null drops one. */
    tools: z
      .record(nameSchema, ToolPromptSchema.nullable())
      .default({})
      .transform((value) => {
        const merged: Record<string, ToolPrompt> = { ...DEFAULT_TOOL_PROMPTS };
        for (const [name, tool] of Object.entries(value)) {
          if (tool === null) delete merged[name];
          else merged[name] = tool;
        }
        return merged;
      }),
    /** LoRA rank of every adapter (the authors: 32 on Llama-3-8B). */
    rank: z.number().int().positive().default(8),
    /** The update is scaled by alpha / rank (the authors: α = 1 with r = 32 and lr 1e-4 on an 8B model). */
    alpha: z.number().positive().default(8),
    /** Projections that get a LoRA slot in every block (the authors: q, k, v, o). */
    targetModules: LoraModulesSchema.default(['q', 'k', 'v', 'o']),
    /** Training trajectories sampled from the prompted model, per bake. */
    trajectories: z.number().int().positive().default(32),
    /** Held-out inputs (their own sampled trajectories) for the KL report and the tool-use rate. */
    heldOutInputs: z.number().int().positive().default(16),
    /** Tokens of each input x: the end of a problem's prompt ("…\nAnswer:"), or the start of a text. */
    inputTokens: z.number().int().positive().default(12),
    /** Tokens sampled per trajectory (prompt + input + these must fit the context). */
    maxNewTokens: z.number().int().positive().default(16),
    /** Sampling temperature of the trajectories; the authors use 2.0 on Llama-3, 1.0 keeps a tiny model's text on-distribution. */
    temperature: z.number().min(0).default(1),
    /** Sample only among the k most likely tokens; unset: the whole vocabulary. */
    topK: z.number().int().positive().optional(),
    /** Also save a copy of the model with this persona's adapter merged into the weights (role 'baked-merged'). */
    mergePersona: nameSchema.nullable().default(null),
    /** Held-out inputs timed for the latency saved by not processing the prompt. */
    latencyInputs: z.number().int().nonnegative().default(4),
    /** Steps per bake (presets: tiny 8, small 20, paper 200; small and paper values are not yet measured). */
    steps: z.number().int().positive().default(60),
    /** Trajectories per optimizer step of a bake (core's default is 8). */
    batchSize: z.number().int().positive().default(16),
    /** Peak learning rate of A and B; at tiny, 1e-2 was measured to be too high on 32 trajectories (KL rose), 5e-3 not. */
    lr: z.number().positive().default(5e-3),
    /** Linear warmup steps from 0 to lr; short, since a bake runs only a few dozen steps. */
    warmupSteps: z.number().int().nonnegative().default(2),
    /** AdamW weight decay of A and B; off by default, as decay would pull the adapter back towards no change. */
    weightDecay: z.number().min(0).default(0),
    /** Off: the KL of a good bake falls by orders of magnitude, which the spike guard would misread. */
    spikeFactor: z.number().min(0).default(0),
    /** Save a resumable training checkpoint every this many steps of a bake; 0 (the default): only at the end. */
    checkpointEvery: z.number().int().nonnegative().default(0),
  })
  .strict();
/** The parsed baking config; `personas` and `tools` are already merged over the defaults. */
export type BakingPhaseConfig = z.output<typeof BakingPhaseConfigSchema>;

/** Preset starting values, under whatever the user sets. */
export function bakingPresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return {
        steps: 8,
        batchSize: 16,
        trajectories: 32,
        heldOutInputs: 8,
        inputTokens: 12,
        maxNewTokens: 12,
        latencyInputs: 2,
      };
    case 'small':
      // Ten bakes a run, and sampling dominates each (decoding costs ~33 ms a token at small): 24 training
      // trajectories and 8 held-out inputs of 32 sampled tokens, 20 steps of 16 (about 13 passes over them).
      return {
        steps: 20,
        batchSize: 16,
        trajectories: 24,
        heldOutInputs: 8,
        inputTokens: 24,
        maxNewTokens: 32,
        latencyInputs: 8,
        lr: 3e-3,
      };
    case 'paper':
      return {
        steps: 200,
        batchSize: 16,
        trajectories: 256,
        heldOutInputs: 64,
        inputTokens: 48,
        maxNewTokens: 96,
        latencyInputs: 16,
        rank: 16,
        alpha: 16,
        lr: 1e-3,
      };
  }
}

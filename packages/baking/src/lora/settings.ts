/**
 * Which linear layers carry a LoRA slot. Recorded in a model's extensions as `extensions.lora`, so
 * a loader rebuilds the same slots; the adapters themselves live in their own files (adapter-file.ts).
 */
import { ForgeError, parseConfig } from '@agent-forge/core';
import type { ModelConfig } from '@agent-forge/core';
import { z } from 'zod';

/** Projection kinds a slot can wrap; the paper's authors adapt q/k/v/o. */
export const LORA_MODULES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down', 'head'] as const;
/** One projection kind: attention `q`/`k`/`v`/`o`, MLP `gate`/`up`/`down`, or the output `head`. */
export type LoraModule = (typeof LORA_MODULES)[number];

/** A non-empty list of {@link LoraModule} names (the phase's `targetModules`). */
export const LoraModulesSchema = z.array(z.enum(LORA_MODULES)).min(1);

/** What `extensions.lora` holds: the full names of the layers that get a slot. */
export const LoraExtensionSchema = z.object({
  /** Format version of this record; only 1 exists. */
  version: z.literal(1),
  /** Full names of the layers with a slot (e.g. `blocks.0.attn.q`), in checkpoint order; at least one. */
  targetLayers: z.array(z.string().min(1)).min(1),
});
/** The parsed `extensions.lora` record: `{ version: 1, targetLayers }`. */
export type LoraExtension = z.output<typeof LoraExtensionSchema>;

/** Parses `extensions.lora`, naming the field on error. */
export function parseLoraExtension(value: unknown): LoraExtension {
  return parseConfig(LoraExtensionSchema, value, { prefix: 'extensions.lora' });
}

/**
 * Full layer names (e.g. `blocks.0.attn.q`) for `modules` in a model of `config`, in checkpoint
 * order. `gate` exists only with a SwiGLU MLP and `head` only with untied embeddings; asking for
 * either where the model has none is an error rather than a silently smaller adapter.
 */
export function loraTargetLayers(config: ModelConfig, modules: readonly LoraModule[]): string[] {
  const wanted = new Set(modules);
  if (wanted.has('gate') && config.mlp !== 'swiglu') {
    throw new ForgeError(`LoRA target 'gate' needs a SwiGLU MLP; this model uses '${config.mlp}'`, {
      field: 'targetModules',
    });
  }
  if (wanted.has('head') && config.tiedEmbeddings) {
    throw new ForgeError("LoRA target 'head' needs an untied output head; this model ties it to the embedding", {
      field: 'targetModules',
    });
  }
  const layers: string[] = [];
  for (let index = 0; index < config.nLayers; index++) {
    for (const part of ['q', 'k', 'v', 'o'] as const) if (wanted.has(part)) layers.push(`blocks.${index}.attn.${part}`);
    for (const part of ['gate', 'up', 'down'] as const)
      if (wanted.has(part)) layers.push(`blocks.${index}.mlp.${part}`);
  }
  if (wanted.has('head')) layers.push('head');
  return layers;
}

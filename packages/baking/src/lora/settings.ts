/**
 * Which projections the phase bakes adapters into (`targetModules`), and the layer names they become.
 * The `extensions.lora` record itself is core's (`LoraExtensionSchema`).
 */
import { ForgeError } from '@agent-forge/core';
import type { ModelConfig } from '@agent-forge/core';
import { z } from 'zod';

/** Projection kinds a slot can wrap; the paper's authors adapt q/k/v/o. */
export const LORA_MODULES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down', 'head'] as const;
/** One projection kind: attention `q`/`k`/`v`/`o`, MLP `gate`/`up`/`down`, or the output `head`. */
export type LoraModule = (typeof LORA_MODULES)[number];

/** A non-empty list of {@link LoraModule} names (the phase's `targetModules`). */
export const LoraModulesSchema = z.array(z.enum(LORA_MODULES)).min(1);

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

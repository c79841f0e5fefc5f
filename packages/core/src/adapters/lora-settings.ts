/**
 * Which linear layers carry a LoRA slot. Recorded in a model's extensions as `extensions.lora`, so
 * a loader rebuilds the same slots; the adapters themselves live in their own files (adapter-file.ts).
 */
import { z } from 'zod';
import { parseConfig } from '../phase/config.js';

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

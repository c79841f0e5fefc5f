/**
 * An adapter on disk: one safetensors file with `<layer>.lora_a` `[in, rank]` and `<layer>.lora_b`
 * `[rank, out]` (F32) per target layer, and `__metadata__` holding what is needed to use it again:
 * format, rank, alpha, target layers, the persona's name and the prompt that was baked.
 */
import { z } from 'zod';
import type { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { readSafetensorsFile } from '../tensors/safetensors-read.js';
import { writeSafetensorsFile } from '../tensors/safetensors-write.js';
import { weightsFromTf, weightsToTf } from '../tensors/tf-convert.js';
import type { AdapterInfo, LoraAdapters } from './adapters.js';

/** Value of `__metadata__.format` that marks a safetensors file as an Agent Forge LoRA adapter. */
export const ADAPTER_FORMAT = 'agent-forge-lora';
/** File extension of adapter files (`<name>.safetensors`). */
export const ADAPTER_EXTENSION = '.safetensors';

/** What an adapter file says about itself. */
export interface AdapterFileInfo extends AdapterInfo {
  /** The system prompt that was baked (text, special tokens written out). */
  readonly prompt: string;
}

const MetadataSchema = z.object({
  format: z.literal(ADAPTER_FORMAT),
  version: z.literal('1'),
  persona: z.string().min(1),
  prompt: z.string(),
  rank: z.string().regex(/^[1-9]\d*$/),
  alpha: z.string().refine((value) => Number(value) > 0, 'alpha must be a positive number'),
  targetLayers: z.string(),
});

/** Writes adapter `name` of `adapters` to `file` atomically. */
export async function saveAdapterFile(
  file: string,
  adapters: LoraAdapters,
  name: string,
  prompt: string,
): Promise<void> {
  const info = adapters.info(name);
  const metadata = {
    format: ADAPTER_FORMAT,
    version: '1',
    persona: name,
    prompt,
    rank: String(info.rank),
    alpha: String(info.alpha),
    targetLayers: JSON.stringify(info.targetLayers),
  };
  await writeSafetensorsFile(file, weightsFromTf(adapters.weights(name)), { metadata });
}

/** Reads an adapter file's metadata and tensors; the caller disposes the tensors. */
export async function readAdapterFile(file: string): Promise<{
  /** The adapter's name, prompt, rank, alpha and target layers, from the file's `__metadata__`. */
  info: AdapterFileInfo;
  /** The A and B matrices by tensor name (`<layer>.lora_a`, `<layer>.lora_b`); owned by the caller. */
  tensors: Map<string, tf.Tensor>;
}> {
  const { weights, metadata } = await readSafetensorsFile(file);
  const parsed = MetadataSchema.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ForgeError(
      `not an Agent Forge LoRA adapter: __metadata__.${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
      { file },
    );
  }
  const targetLayers = parseLayers(parsed.data.targetLayers, file);
  const info: AdapterFileInfo = {
    name: parsed.data.persona,
    prompt: parsed.data.prompt,
    rank: Number(parsed.data.rank),
    alpha: Number(parsed.data.alpha),
    targetLayers,
  };
  return { info, tensors: weightsToTf(weights) };
}

/** Reads `file` and adds its adapter to `adapters` under the name it records. */
export async function loadAdapterFile(file: string, adapters: LoraAdapters): Promise<AdapterFileInfo> {
  const { info, tensors } = await readAdapterFile(file);
  try {
    adapters.addFromTensors(info, tensors, file);
  } finally {
    for (const tensor of tensors.values()) tensor.dispose();
  }
  return info;
}

function parseLayers(text: string, file: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ForgeError('__metadata__.targetLayers is not JSON', { file, cause: error });
  }
  const layers = z.array(z.string().min(1)).min(1).safeParse(value);
  if (!layers.success)
    throw new ForgeError('__metadata__.targetLayers must be a non-empty list of layer names', { file });
  return layers.data;
}

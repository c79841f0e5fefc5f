/**
 * Where a tensor sits in the layer stack. Two naming schemes are read: TinyTitan's `blocks.<i>.…`
 * and Hugging Face Llama-style `model.layers.<i>.…` (Mistral, Qwen2 and most decoder-only models use
 * it too). Everything else is outside the blocks: before them (embeddings) or after them (final norm,
 * head).
 */

const LAYER_NAME = /^(blocks|model\.layers)\.(\d+)\.(.+)$/;

/** Tensors outside the blocks that come before them (TinyTitan and HF Llama names); all other non-block tensors count as after. */
const PRE_LAYER_PREFIXES = ['embed.', 'pos_embed.', 'model.embed_tokens.'];

/** A block tensor's name split into its naming scheme, block index and in-block name (see {@link parseLayerName}). */
export interface LayerName {
  /** The blocks' prefix: `blocks` (TinyTitan) or `model.layers` (Hugging Face Llama-style). */
  readonly prefix: string;
  /** Block index `i` of `<prefix>.<i>.…`, 0-based. */
  readonly layer: number;
  /** The name inside the block, e.g. `attn.q.weight` or `self_attn.q_proj.weight`. */
  readonly suffix: string;
}

/** The prefix, block index and in-block name of `name`, or undefined for a tensor outside the blocks. */
export function parseLayerName(name: string): LayerName | undefined {
  const match = LAYER_NAME.exec(name);
  if (match === null) return undefined;
  return { prefix: match[1] as string, layer: Number(match[2]), suffix: match[3] as string };
}

/** The tensor name of in-block name `suffix` in block `layer` (`<prefix>.<layer>.<suffix>`), the inverse of {@link parseLayerName}. */
export function layerTensorName(layer: number, suffix: string, prefix = 'blocks'): string {
  return `${prefix}.${layer}.${suffix}`;
}

/** Whether a tensor outside the blocks comes before them (token and position embeddings); false for block tensors and those after the blocks. */
export function isBeforeBlocks(name: string): boolean {
  return parseLayerName(name) === undefined && PRE_LAYER_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The gradient position of a tensor, as mergekit computes it (plan.py): block i of n sits at
 * i / (n − 1), and at 1 when there is a single block; every tensor outside the blocks — embeddings,
 * final norm and head alike — at 0. So a gradient `t: [0.2, 0.8]` gives the head 0.2, not 0.8.
 */
export function gradientPosition(name: string, layerCount: number): number {
  const parsed = parseLayerName(name);
  if (parsed === undefined) return 0;
  return positionInRun(parsed.layer, layerCount);
}

/** Position of the `index`-th of `count` layers in a run (a whole model, or one mergekit slice): index / (count − 1), 1 for a single layer. */
export function positionInRun(index: number, count: number): number {
  return count > 1 ? index / (count - 1) : 1;
}

/** Number of blocks named in `names` (highest index + 1). */
export function countLayers(names: Iterable<string>): number {
  let count = 0;
  for (const name of names) {
    const parsed = parseLayerName(name);
    if (parsed !== undefined) count = Math.max(count, parsed.layer + 1);
  }
  return count;
}

/**
 * Where a tensor sits in the layer stack. TinyTitan names block weights `blocks.<i>.…`; everything
 * else is either before the blocks (embeddings) or after them (final norm, head).
 */

const LAYER_NAME = /^blocks\.(\d+)\.(.+)$/;

/** Tensors outside the blocks that come before them; all other non-block tensors count as after. */
const PRE_LAYER_PREFIXES = ['embed.', 'pos_embed.'];

/** A block tensor's name split into its block index and in-block name (see {@link parseLayerName}). */
export interface LayerName {
  /** Block index `i` of `blocks.<i>.…`, 0-based. */
  readonly layer: number;
  /** The name inside the block, e.g. `attn.q.weight`. */
  readonly suffix: string;
}

/** The block index and in-block name of `name`, or undefined for a tensor outside the blocks. */
export function parseLayerName(name: string): LayerName | undefined {
  const match = LAYER_NAME.exec(name);
  if (match === null) return undefined;
  return { layer: Number(match[1]), suffix: match[2] as string };
}

/** The tensor name of in-block name `suffix` in block `layer` (`blocks.<layer>.<suffix>`), the inverse of {@link parseLayerName}. */
export function layerTensorName(layer: number, suffix: string): string {
  return `blocks.${layer}.${suffix}`;
}

/**
 * The gradient position of a tensor, as in mergekit: block i of n sits at i / (n − 1), tensors
 * before the blocks at 0 and after them at 1. A gradient `t: [0, 1]` thus runs from the embedding
 * to the head.
 */
export function gradientPosition(name: string, layerCount: number): number {
  const parsed = parseLayerName(name);
  if (parsed === undefined) return PRE_LAYER_PREFIXES.some((prefix) => name.startsWith(prefix)) ? 0 : 1;
  return layerCount > 1 ? parsed.layer / (layerCount - 1) : 0;
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

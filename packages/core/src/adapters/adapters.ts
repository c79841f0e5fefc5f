/**
 * Named LoRA adapters over a model's slots: create a fresh one to train, add one read from a file,
 * activate one (or none, the base model), hand its variables to the training loop, merge it into
 * the base weights. The adapters' variables are owned here, not by the model: `dispose()` frees them.
 */
import { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import type { TinyTitan } from '../model/model.js';
import { constantWeight, normalWeight } from '../model/weights.js';
import { Rng } from '../rng/rng.js';
import { loraSlotsOf } from './extension.js';
import type { LoraSlot } from './slot.js';

/** Size of a LoRA adapter: A is `[in, rank]`, B is `[rank, out]`, and the update is scaled by alpha / rank. */
export interface AdapterShape {
  /** Inner dimension of A and B; a positive integer (the phase's default is 8). */
  readonly rank: number;
  /** The update is scaled by alpha / rank. */
  readonly alpha: number;
}

/** One registered adapter: its shape and the layers it covers. */
export interface AdapterInfo extends AdapterShape {
  /** The persona or tool name; also the adapter's file name (`<name>.safetensors`). */
  readonly name: string;
  /** Layers the adapter changes, in checkpoint order. */
  readonly targetLayers: readonly string[];
}

/** Tensor names of an adapter's matrices on `layer`, as stored in its file. */
export function loraTensorNames(layer: string): {
  /** Name of the down-projection A, `<layer>.lora_a`, shape `[in, rank]`. */
  a: string;
  /** Name of the up-projection B, `<layer>.lora_b`, shape `[rank, out]` (created as zeros). */
  b: string;
} {
  return { a: `${layer}.lora_a`, b: `${layer}.lora_b` };
}

/**
 * The named LoRA adapters of one model, over its slots: at most one is active (null: the base model).
 * Owns the adapters' variables — call `dispose()` (or `remove`) to free them; the model's own weights
 * are not touched.
 */
export class LoraAdapters {
  private readonly infos = new Map<string, AdapterInfo>();
  private activeName: string | null = null;

  constructor(private readonly slots: ReadonlyMap<string, LoraSlot>) {
    if (slots.size === 0)
      throw new ForgeError('the model has no LoRA slots: build it with extensions.lora', { field: 'extensions.lora' });
  }

  /** The adapters of a model built with the `lora` extension. */
  static of(model: TinyTitan): LoraAdapters {
    return new LoraAdapters(loraSlotsOf(model));
  }

  /** Names of the layers that carry a LoRA slot, in checkpoint order. */
  get slotLayers(): string[] {
    return [...this.slots.keys()];
  }

  /** Names of the adapters held, in the order they were added. */
  get names(): string[] {
    return [...this.infos.keys()];
  }

  /** The active adapter's name, or null when the base model runs. */
  get active(): string | null {
    return this.activeName;
  }

  /** Shape and target layers of adapter `name`; an unknown name is a ForgeError listing the known ones. */
  info(name: string): AdapterInfo {
    const info = this.infos.get(name);
    if (!info) throw this.unknown(name);
    return info;
  }

  /** A fresh adapter on every slot: A ~ N(0, 1/in), B = 0, so it starts as the identity change. */
  create(name: string, shape: AdapterShape, seed: number): AdapterInfo {
    assertShape(shape);
    const rng = Rng.fromSeed(seed).fork(`lora:${name}`);
    for (const [layer, slot] of this.slots) {
      const names = loraTensorNames(layer);
      const a = normalWeight(
        { rng },
        names.a,
        [slot.inner.inFeatures, shape.rank],
        1 / Math.sqrt(slot.inner.inFeatures),
      );
      const b = constantWeight([shape.rank, slot.inner.outFeatures], 0);
      slot.add(name, { a, b, scale: shape.alpha / shape.rank });
    }
    return this.register(name, shape, this.slotLayers);
  }

  /**
   * Adds an adapter from its tensors (`<layer>.lora_a` `[in, rank]`, `<layer>.lora_b` `[rank, out]`
   * for each of `targetLayers`); every shape is checked before anything is added. Tensors are copied.
   */
  addFromTensors(info: AdapterInfo, tensors: ReadonlyMap<string, tf.Tensor>, source = info.name): void {
    assertShape(info);
    const pairs = info.targetLayers.map((layer) => {
      const slot = this.slots.get(layer);
      if (!slot)
        throw new ForgeError(
          `adapter '${info.name}' targets layer '${layer}', which has no LoRA slot here (slots: ${this.slotLayers.join(', ')})`,
          { file: source },
        );
      const names = loraTensorNames(layer);
      const a = expectTensor(tensors, names.a, [slot.inner.inFeatures, info.rank], source);
      const b = expectTensor(tensors, names.b, [info.rank, slot.inner.outFeatures], source);
      return { slot, a, b };
    });
    for (const { slot, a, b } of pairs) {
      const copy = (tensor: tf.Tensor): tf.Variable => tf.tidy(() => tf.variable(tf.cast(tensor, 'float32')));
      slot.add(info.name, { a: copy(a), b: copy(b), scale: info.alpha / info.rank });
    }
    this.register(info.name, info, info.targetLayers);
  }

  /** Activates adapter `name`, or none (the base model) with null. */
  activate(name: string | null): void {
    if (name !== null && !this.infos.has(name)) throw this.unknown(name);
    for (const slot of this.slots.values()) slot.activate(name);
    this.activeName = name;
  }

  /** The adapter's trainable variables by tensor name (`<layer>.lora_a`, `<layer>.lora_b`). */
  weights(name: string): Map<string, tf.Variable> {
    const info = this.info(name);
    const weights = new Map<string, tf.Variable>();
    for (const layer of info.targetLayers) {
      const pair = this.slots.get(layer)?.pair(name);
      if (!pair) continue;
      const names = loraTensorNames(layer);
      weights.set(names.a, pair.a);
      weights.set(names.b, pair.b);
    }
    return weights;
  }

  /** Disposes adapter `name`'s variables on every slot (a no-op for an unknown name); if it was active, the base model runs. */
  remove(name: string): void {
    for (const slot of this.slots.values()) slot.remove(name);
    this.infos.delete(name);
    if (this.activeName === name) this.activeName = null;
  }

  /** Removes and frees every adapter; the slots stay, running the base model. */
  dispose(): void {
    for (const name of this.names) this.remove(name);
  }

  private register(name: string, shape: AdapterShape, targetLayers: readonly string[]): AdapterInfo {
    const info: AdapterInfo = { name, rank: shape.rank, alpha: shape.alpha, targetLayers: [...targetLayers] };
    this.infos.set(name, info);
    if (this.activeName === name) this.activate(name);
    return info;
  }

  private unknown(name: string): ForgeError {
    const known = this.names.join(', ') || 'none';
    return new ForgeError(`unknown persona '${name}'; available: ${known}`, { field: 'persona' });
  }
}

function assertShape(shape: AdapterShape): void {
  if (!Number.isInteger(shape.rank) || shape.rank < 1)
    throw new ForgeError(`LoRA rank must be a positive integer, got ${shape.rank}`, { field: 'rank' });
  if (!Number.isFinite(shape.alpha) || shape.alpha <= 0)
    throw new ForgeError(`LoRA alpha must be a positive number, got ${shape.alpha}`, { field: 'alpha' });
}

function expectTensor(
  tensors: ReadonlyMap<string, tf.Tensor>,
  name: string,
  shape: number[],
  source: string,
): tf.Tensor {
  const tensor = tensors.get(name);
  if (!tensor) throw new ForgeError(`adapter tensor '${name}' is missing`, { file: source });
  if (!tf.util.arraysEqual(tensor.shape, shape)) {
    throw new ForgeError(
      `adapter tensor '${name}' has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`,
      { file: source },
    );
  }
  return tensor;
}

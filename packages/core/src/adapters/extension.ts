/**
 * The `lora` model extension (order 20: it wraps whatever layer BitNet, order 10, or the dense default
 * built). Its plan wraps `createLinear` so every target layer becomes a `LoraSlot`; `loraSlotsOf`
 * finds a built model's slots again through the layers themselves, so no global state ties a model to
 * its slots and two models live side by side.
 */
import { ForgeError } from '../errors.js';
import { registerModelExtension, type RegisteredModelExtension } from '../model/extensions.js';
import type { Linear, LinearFactory } from '../model/linear.js';
import type { TinyTitan } from '../model/model.js';
import { parseLoraExtension } from './lora-settings.js';
import { LoraSlot } from './slot.js';

const slotOfLayer = new WeakMap<Linear, LoraSlot>();

/** Wraps `inner` so the layers named in `targetLayers` get a slot; others are built as before. */
export function loraLinearFactory(inner: LinearFactory, targetLayers: readonly string[]): LinearFactory {
  const targets = new Set(targetLayers);
  return (spec, init) => {
    const layer = inner(spec, init);
    if (!targets.has(spec.name)) return layer;
    const slot = new LoraSlot(layer);
    const wrapped: Linear = {
      name: layer.name,
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      weights: layer.weights,
      apply: (x) => slot.apply(x),
    };
    slotOfLayer.set(wrapped, slot);
    return wrapped;
  };
}

/** Every linear layer of `model`, in checkpoint order. */
function linearLayers(model: TinyTitan): Linear[] {
  const layers: Linear[] = [];
  for (const block of model.blocks) {
    const { attention, mlp } = block;
    layers.push(attention.q, attention.k, attention.v, attention.o);
    if (mlp.gate) layers.push(mlp.gate);
    layers.push(mlp.up, mlp.down);
  }
  if (model.head) layers.push(model.head);
  return layers;
}

/** The LoRA slots of a model built with the `lora` extension, by layer name (empty without it). */
export function loraSlotsOf(model: TinyTitan): Map<string, LoraSlot> {
  const slots = new Map<string, LoraSlot>();
  for (const layer of linearLayers(model)) {
    const slot = slotOfLayer.get(layer);
    if (slot) slots.set(layer.name, slot);
  }
  return slots;
}

/** The `extensions.lora` record for slots on `targetLayers`. */
export function loraExtension(targetLayers: readonly string[]): {
  /** Format version of the record; always 1. */
  version: 1;
  /** A copy of `targetLayers`: the full layer names that get a slot. */
  targetLayers: string[];
} {
  return { version: 1, targetLayers: [...targetLayers] };
}

/**
 * The `lora` model extension, registered on import: builds a {@link LoraSlot} around every layer named
 * in `extensions.lora.targetLayers` and checks on load that each exists. Order 20, after bitnet's 10.
 */
export const loraModelExtension: RegisteredModelExtension = {
  name: 'lora',
  displayName: 'LoRA adapters',
  referenceUrl: 'https://arxiv.org/abs/2106.09685',
  order: 20,
  packageName: '@agent-forge/core',
  plan: (plan, value) => ({
    ...plan,
    createLinear: loraLinearFactory(plan.createLinear, parseLoraExtension(value).targetLayers),
  }),
  verify: (model, value) => {
    const wanted = parseLoraExtension(value).targetLayers;
    const found = loraSlotsOf(model);
    const missing = wanted.filter((layer) => !found.has(layer));
    if (missing.length > 0) {
      throw new ForgeError(`extensions.lora names layers this model does not have: ${missing.join(', ')}`, {
        field: 'extensions.lora.targetLayers',
      });
    }
  },
};
registerModelExtension(loraModelExtension);

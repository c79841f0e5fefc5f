/**
 * What the runtime serves: a loaded model, its tokenizer, and (for baked models) the personas it can
 * switch between. The CLI's loaders build one from whatever a model directory holds.
 */
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';

/** How the model's ternary layers run. */
export type EdgeModelKind = 'packed-ternary' | 'float' | 'baked';

/** A loaded model ready to serve; build one with the `load…EdgeModel` functions. */
export interface EdgeModel {
  /** Name clients use for it, e.g. the directory's name. */
  readonly id: string;
  /** The model to generate with (ternary layers already on the chosen path). */
  readonly model: TinyTitan;
  /** The model directory's tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** Which path its layers run on. */
  readonly kind: EdgeModelKind;
  /** Persona names `usePersona` accepts; empty when the model has none. */
  readonly personas: readonly string[];
  /** Switches the active persona (null: none); absent when the model has no personas. */
  usePersona?(name: string | null): void;
  /** Frees the model's tensors (and any adapters). */
  dispose(): void;
}

import type { GradientTransform, RegistryEntry } from '@agent-forge/core';
import type { z } from 'zod';

/**
 * One Grokfast filter: a low-pass estimate of the slow gradient component, added back amplified
 * (g ← g + λ·slow). Each filter is one file exporting one of these; the registry lists them.
 */
export interface GradientFilter<Settings extends object = object> extends RegistryEntry {
  /** Registry key, also the transform's state prefix (`transform/grokfast-<name>/…`). */
  readonly name: string;
  /** One line for help texts and reports: what the filter averages, with its paper defaults. */
  readonly description: string;
  /** Settings with the paper's defaults for this filter. */
  readonly settingsSchema: z.ZodType<Settings>;
  /** A fresh transform with empty memory; its `state()`/`loadState()` make resume exact. */
  create(settings: Settings): GradientTransform;
}

/** Separator between a weight name and the slot inside a transform's state keys. */
export const STATE_SEPARATOR = '::';

export function stateKey(weight: string, slot: string): string {
  return `${weight}${STATE_SEPARATOR}${slot}`;
}

/** Splits `weight::slot`; weight names themselves never hold the separator. */
export function parseStateKey(key: string): { weight: string; slot: string } | undefined {
  const at = key.lastIndexOf(STATE_SEPARATOR);
  if (at <= 0) return undefined;
  return { weight: key.slice(0, at), slot: key.slice(at + STATE_SEPARATOR.length) };
}

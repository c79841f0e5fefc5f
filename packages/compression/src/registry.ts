/**
 * The compressor registry: one small object per method behind one interface (compressor.ts).
 * Built-ins register here; a new method is one file in `methods/` plus one line below, or a
 * `registerCompressor` call from outside.
 */
import { ForgeError, parseConfig } from '@agent-forge/core';
import type { Compressor } from './compressor.js';
import { fp16Compressor, fp32Compressor } from './methods/float.js';
import { hyperCompressor } from './methods/hyper.js';
import { rtnCompressor } from './methods/rtn.js';
import { seedLmCompressor } from './methods/seedlm.js';
import { ternary2bitCompressor, ternaryBase3Compressor } from './methods/ternary.js';
import { vptqCompressor } from './methods/vptq.js';

const registry = new Map<string, Compressor>();

/** Registers (or replaces) a compressor under its name. */
export function registerCompressor<S>(compressor: Compressor<S>): void {
  registry.set(compressor.name, compressor as Compressor);
}

/** The compressor called `name`; an unknown name is a ForgeError listing the known ones. */
export function getCompressor(name: string): Compressor {
  const found = registry.get(name);
  if (!found)
    throw new ForgeError(`unknown compression method '${name}' (known: ${[...registry.keys()].join(', ')})`, {
      field: 'method',
    });
  return found;
}

/** Names of the registered compressors, in registration order (built-ins first). */
export function compressorNames(): string[] {
  return [...registry.keys()];
}

/** Parses `settings` for the method `name`, naming the field (`prefix.settings.x`) on error. */
export function parseMethodSettings(name: string, settings: unknown, prefix = 'settings'): unknown {
  return parseConfig(getCompressor(name).settingsSchema, settings ?? {}, { prefix });
}

for (const compressor of [
  fp32Compressor,
  fp16Compressor,
  rtnCompressor,
  ternary2bitCompressor,
  ternaryBase3Compressor,
  seedLmCompressor,
  vptqCompressor,
  hyperCompressor,
] as Compressor<never>[])
  registerCompressor(compressor);

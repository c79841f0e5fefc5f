/**
 * The compressor registry (core's `Registry`): one small object per method behind one interface
 * (compressor.ts), each with its display name and reference URL. Built-ins register here; a new method
 * is one file in `methods/` plus one line below, or a `registerCompressor` call from outside.
 */
import { Registry, parseConfig } from '@agent-forge/core';
import type { Compressor } from './compressor.js';
import { fp16Compressor, fp32Compressor } from './methods/float.js';
import { hyperCompressor } from './methods/hyper.js';
import { rtnCompressor } from './methods/rtn.js';
import { seedLmCompressor } from './methods/seedlm.js';
import { ternary2bitCompressor, ternaryBase3Compressor } from './methods/ternary.js';
import { vptqCompressor } from './methods/vptq.js';

/** Every compressor by name, built-ins first; `COMPRESSORS.register` (or `registerCompressor`) adds more. */
export const COMPRESSORS = new Registry<Compressor>({ kind: 'compression method', field: 'method' });

/** Registers (or replaces) a compressor under its name. */
export function registerCompressor<S>(compressor: Compressor<S>): void {
  COMPRESSORS.register(compressor as Compressor);
}

/** The compressor called `name`; an unknown name is a ForgeError listing the known ones. */
export function getCompressor(name: string): Compressor {
  return COMPRESSORS.get(name);
}

/** Names of the registered compressors, in registration order (built-ins first). */
export function compressorNames(): string[] {
  return COMPRESSORS.names();
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

/**
 * The Grokfast filters by name (core's `Registry`); adding a filter is adding its file and one line
 * here, or `GRADIENT_FILTERS.register(filter)` from outside.
 */
import { Registry, parseConfig } from '@agent-forge/core';
import type { GradientTransform } from '@agent-forge/core';
import { emaFilter } from './ema.js';
import { maFilter } from './ma.js';
import type { GradientFilter } from './types.js';

/** Every Grokfast gradient filter by name, in registration order (`ema`, `ma`, then any registered from outside). */
export const GRADIENT_FILTERS = new Registry<GradientFilter>({
  kind: 'Grokfast filter',
  field: 'filter',
  entries: [emaFilter, maFilter] as GradientFilter[],
});

/** Registers (or replaces) a gradient filter under its name. */
export function registerGradientFilter<S extends object>(filter: GradientFilter<S>): void {
  GRADIENT_FILTERS.register(filter as unknown as GradientFilter);
}

/** Registered filter names in registry order (`ema`, `ma`, …): the values the phase's `filter` accepts. */
export function filterNames(): string[] {
  return GRADIENT_FILTERS.names();
}

/** The filter registered as `name`; an unknown name throws a ForgeError (field `filter`) listing the known ones. */
export function findFilter(name: string): GradientFilter {
  return GRADIENT_FILTERS.get(name);
}

/**
 * A Grokfast gradient transform for core's `train({ gradientTransforms })`; `settings` are checked
 * against the filter's schema (missing ones take the paper's defaults).
 */
export function createGrokfast(name: string, settings: Record<string, unknown> = {}): GradientTransform {
  const filter = findFilter(name);
  return filter.create(parseConfig(filter.settingsSchema, settings, { prefix: `grokfast.${name}` }));
}

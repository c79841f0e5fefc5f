/** The Grokfast filters by name; adding a filter is adding its file and one line here. */
import { ForgeError, parseConfig } from '@agent-forge/core';
import type { GradientTransform } from '@agent-forge/core';
import { emaFilter } from './ema.js';
import { maFilter } from './ma.js';
import type { GradientFilter } from './types.js';

const FILTERS = new Map<string, GradientFilter>(
  [emaFilter, maFilter].map((filter) => [filter.name, filter as GradientFilter]),
);

/** Registered filter names in registry order (`ema`, `ma`): the values the phase's `filter` accepts. */
export function filterNames(): string[] {
  return [...FILTERS.keys()];
}

/** The filter registered as `name`; an unknown name throws a ForgeError (field `filter`) listing the known ones. */
export function findFilter(name: string): GradientFilter {
  const filter = FILTERS.get(name);
  if (!filter)
    throw new ForgeError(`unknown Grokfast filter '${name}'; expected one of ${filterNames().join(', ')}`, {
      field: 'filter',
    });
  return filter;
}

/**
 * A Grokfast gradient transform for core's `train({ gradientTransforms })`; `settings` are checked
 * against the filter's schema (missing ones take the paper's defaults).
 */
export function createGrokfast(name: string, settings: Record<string, unknown> = {}): GradientTransform {
  const filter = findFilter(name);
  return filter.create(parseConfig(filter.settingsSchema, settings, { prefix: `grokfast.${name}` }));
}

import type { Phase } from '@agent-forge/core';

/**
 * The phases `forge run` runs, in pipeline order. A phase is listed here only once its package
 * really implements it: a stub here would make `forge run` claim work it did not do.
 */
export const REGISTERED_PHASES: readonly Phase[] = [];

export function findPhase(name: string, phases: readonly Phase[] = REGISTERED_PHASES): Phase | undefined {
  return phases.find((phase) => phase.name === name);
}

import { bitnetPhase } from '@agent-forge/bitnet';
import type { Phase } from '@agent-forge/core';

/**
 * Every phase this version implements, in pipeline order. A phase is listed only once its package
 * really implements it: a stub here would make `forge run` claim work it did not do.
 */
export const REGISTERED_PHASES: readonly Phase[] = [bitnetPhase as Phase];

export function findPhase(name: string, phases: readonly Phase[] = REGISTERED_PHASES): Phase | undefined {
  return phases.find((phase) => phase.name === name);
}

/**
 * Why `forge run` cannot run the registered phases as a pipeline, or undefined when it can:
 * the pipeline must start with cognate, the only phase that needs no input model.
 */
export function pipelineGap(phases: readonly Phase[] = REGISTERED_PHASES): string | undefined {
  if (phases.length === 0) return 'no phase is implemented in this version yet, so the pipeline is empty';
  if (phases[0]?.name !== 'cognate') {
    const names = phases.map((p) => p.name).join(', ');
    return `the pipeline starts with cognate, which this version does not implement yet; the implemented phases (${names}) run alone: forge phase <name> --input <phase dir>`;
  }
  return undefined;
}

import { bakingPhase } from '@agent-forge/baking';
import { bitnetPhase } from '@agent-forge/bitnet';
import { cognatePhase } from '@agent-forge/cognate';
import { compressionPhase } from '@agent-forge/compression';
import { edgePhase } from '@agent-forge/edge';
import { evomergePhase } from '@agent-forge/evomerge';
import { forgeTrainPhase } from '@agent-forge/forge-train';
import { quietstarPhase } from '@agent-forge/quietstar';
import { ForgeError } from '@agent-forge/core';
import type { Phase } from '@agent-forge/core';

/**
 * Every phase this version implements, in pipeline order. A phase is listed only once its package
 * really implements it: a stub here would make `forge run` claim work it did not do.
 */
export const REGISTERED_PHASES: readonly Phase[] = [
  cognatePhase,
  evomergePhase,
  quietstarPhase,
  bitnetPhase,
  forgeTrainPhase,
  bakingPhase,
  edgePhase,
  compressionPhase,
].map((phase) => phase as Phase);

/** The phase called `name` (e.g. `evomerge`) among `phases` (default: all registered), or undefined when this version has none. */
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

/** The registered phases from `from` to `to` (both included; either may be left out). */
export function selectPhases(
  from?: string,
  to?: string,
  phases: readonly Phase[] = REGISTERED_PHASES,
): readonly Phase[] {
  const names = phases.map((phase) => phase.name as string);
  const indexOf = (name: string, flag: string): number => {
    const index = names.indexOf(name);
    if (index < 0)
      throw new ForgeError(`'${name}' is not a phase this version runs (phases: ${names.join(', ')})`, { field: flag });
    return index;
  };
  const first = from === undefined ? 0 : indexOf(from, '--from');
  const last = to === undefined ? phases.length - 1 : indexOf(to, '--to');
  // Only both flags can be out of order; an empty registry with neither selects nothing.
  if (from !== undefined && to !== undefined && first > last)
    throw new ForgeError(`--from ${from} comes after --to ${to} in the pipeline`, { field: '--from' });
  return phases.slice(first, last + 1);
}

/** The registered phases with these names, in this order; a ForgeError names one this version lacks. */
export function phasesNamed(names: readonly string[], phases: readonly Phase[] = REGISTERED_PHASES): readonly Phase[] {
  return names.map((name) => {
    const phase = phases.find((candidate) => candidate.name === name);
    if (!phase)
      throw new ForgeError(`the run uses phase '${name}', which this version does not have`, { field: 'phases' });
    return phase;
  });
}

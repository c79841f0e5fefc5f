/**
 * The training compute a run spent, from the `training_compute` events core's training loop records:
 * tokens trained per phase, and ≈ 6·N·D FLOPs (N: the phase's model parameters, D: tokens; forward +
 * backward through the whole model). Quiet-STaR's thought tokens and evomerge's evaluations are not
 * gradient steps on the model's own tokens, so they are not in D — the estimate undercounts those phases.
 */
import { TRAINING_COMPUTE_EVENT, readRunStore } from '@agent-forge/core';
import type { PipelineState } from '@agent-forge/core';

/** Training compute of one phase. */
export interface PhaseCompute {
  /** Phase name. */
  readonly phase: string;
  /** Tokens trained (every model the phase trained, e.g. cognate's three). */
  readonly tokens: number;
  /** Parameters of the phase's main model. */
  readonly params: number;
  /** 6 · params · tokens. */
  readonly flops: number;
}

/**
 * The pipeline phase a tracker scope belongs to. Phases name their sub-runs `cognate:reasoning`,
 * `forge-train/baseline` and `baking.<prompt>`; phase names themselves contain none of `:`, `/` or `.`.
 */
export function phaseOfScope(scope: string): string {
  return scope.split(/[:/.]/)[0] ?? scope;
}

/** Tokens trained per phase, summed over the events of `runDir`'s run store (see {@link phaseOfScope}). */
export function trainingTokensByPhase(runDir: string): Map<string, number> {
  const tokens = new Map<string, number>();
  for (const record of readRunStore(runDir)) {
    if (record.type !== 'event' || record.event !== TRAINING_COMPUTE_EVENT || record.phase === undefined) continue;
    const phase = phaseOfScope(record.phase);
    tokens.set(phase, (tokens.get(phase) ?? 0) + Number(record.data?.tokens ?? 0));
  }
  return tokens;
}

/** Each finished phase's training compute, in pipeline order (phases that trained nothing have 0). */
export function pipelineCompute(runDir: string, state: PipelineState): PhaseCompute[] {
  const tokens = trainingTokensByPhase(runDir);
  return state.phases.map((phase) => {
    const params = phase.result?.models[0]?.params ?? 0;
    const trained = tokens.get(phase.name) ?? 0;
    return { phase: phase.name, tokens: trained, params, flops: 6 * params * trained };
  });
}

/**
 * The training compute a run spent, from the `training_compute` events core's training loop records:
 * tokens trained per phase, and tokens × params as 6·N·D (N: the phase's model parameters, D: tokens; one
 * forward + backward through the whole model per token). That is the unit the control is matched in. It
 * undercounts the pipeline: ACT runs the block stack up to `maxSteps` times per token (the events' `blockPassTokens`
 * say how many times it did, in cognate, bitnet and forge-train), the Titans memory's updates are not in N,
 * and Quiet-STaR's thought tokens and evomerge's evaluations are not gradient steps on the model's own tokens.
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
  /** Σ tokens × passes of the block stack (ACT); equals `tokens` where every forward made one pass. */
  readonly blockPassTokens?: number;
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
  return sumComputeEvents(runDir).tokens;
}

/**
 * Tokens × block-stack passes per phase, summed like {@link trainingTokensByPhase}. Events written before
 * the passes were recorded have none: their tokens count as one pass each.
 */
export function blockPassTokensByPhase(runDir: string): Map<string, number> {
  return sumComputeEvents(runDir).blockPassTokens;
}

/** Both sums per phase, in one read of the run store. */
function sumComputeEvents(runDir: string): { tokens: Map<string, number>; blockPassTokens: Map<string, number> } {
  const tokens = new Map<string, number>();
  const blockPassTokens = new Map<string, number>();
  for (const record of readRunStore(runDir)) {
    if (record.type !== 'event' || record.event !== TRAINING_COMPUTE_EVENT || record.phase === undefined) continue;
    const phase = phaseOfScope(record.phase);
    const trained = Number(record.data?.tokens ?? 0);
    tokens.set(phase, (tokens.get(phase) ?? 0) + trained);
    const passes = Number(record.data?.blockPassTokens ?? trained);
    blockPassTokens.set(phase, (blockPassTokens.get(phase) ?? 0) + passes);
  }
  return { tokens, blockPassTokens };
}

/** Each finished phase's training compute, in pipeline order (phases that trained nothing have 0). */
export function pipelineCompute(runDir: string, state: PipelineState): PhaseCompute[] {
  const sums = sumComputeEvents(runDir);
  return state.phases.map((phase) => {
    const params = phase.result?.models[0]?.params ?? 0;
    const trained = sums.tokens.get(phase.name) ?? 0;
    const blockPassTokens = sums.blockPassTokens.get(phase.name) ?? trained;
    return { phase: phase.name, tokens: trained, params, flops: 6 * params * trained, blockPassTokens };
  });
}

/** Mean passes of the block stack per trained token over `phases` (1 when nothing was trained). */
export function meanBlockPasses(phases: readonly PhaseCompute[]): number {
  const tokens = phases.reduce((sum, phase) => sum + phase.tokens, 0);
  // A control record written before the passes were recorded has none: one pass a token.
  const passTokens = phases.reduce((sum, phase) => sum + (phase.blockPassTokens ?? phase.tokens), 0);
  return tokens > 0 ? passTokens / tokens : 1;
}

/**
 * Held-out evaluation of a thinker: next-token loss with thoughts (the mixed prediction) and without them
 * (w forced to 0, i.e. the base model), the coherence scores and their correlation with utility,
 * thought diversity, and the overlap of thoughts with the direct continuation. Thoughts are sampled as in
 * training (trained temperature, nThoughts per position) from a fixed seed, so the figures are repeatable.
 */
import { Rng, tf } from '@agent-forge/core';
import { mean, pearson, thoughtDiversity } from './coherence.js';
import { continuationOverlap, directContinuation } from './continuation.js';
import { quietStarObjective, type ThoughtBatch } from './objective.js';
import type { Thinker } from './thinker.js';

export interface HeldOutWindows {
  readonly tokens: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

export interface ThoughtEvaluation {
  /** Mean NLL of x_{j+1} over held-out positions: with thoughts (mixed) and without (base). */
  readonly lossWithThoughts: number;
  readonly lossWithoutThoughts: number;
  /** without − with: positive when thoughts help. */
  readonly lossDelta: number;
  /** Standard error of the per-position paired difference (positions treated as independent). */
  readonly lossDeltaStdErr: number;
  readonly meanMixWeight: number;
  readonly utility: number;
  readonly semantic: number;
  readonly syntactic: number;
  readonly semanticUtilityCorrelation: number;
  readonly syntacticUtilityCorrelation: number;
  readonly distinctPositions: number;
  readonly distinct2: number;
  /** Anti-theater (1): thought tokens equal to the greedy direct continuation, per token and per thought. */
  readonly continuationTokenMatch: number;
  readonly continuationExactMatch: number;
  readonly positions: number;
}

/** Evaluates `windows` `batchSize` rows at a time, without gradients. */
export function evaluateThoughts(thinker: Thinker, windows: HeldOutWindows, options: { seed?: number; batchSize?: number } = {}): ThoughtEvaluation {
  const rng = Rng.fromSeed(options.seed ?? 0);
  const batchSize = options.batchSize ?? 4;
  const parts: { batch: ThoughtBatch; overlap: { tokenMatch: number; exactMatch: number }; diversity: { distinctPositions: number; distinct2: number } }[] = [];
  for (let start = 0; start < windows.rows; start += batchSize) {
    const rows = Math.min(batchSize, windows.rows - start);
    const tokens = tf.tensor2d(windows.tokens.subarray(start * windows.cols, (start + rows) * windows.cols), [rows, windows.cols], 'int32');
    const inputs = tf.slice(tokens, [0, 0], [rows, windows.cols - 1]) as tf.Tensor2D;
    try {
      const batch = quietStarObjective(thinker, tokens, rng.fork(`eval-${start}`));
      batch.loss.dispose();
      const continuation = directContinuation(thinker, inputs);
      parts.push({
        batch,
        overlap: continuationOverlap(batch.thoughts, continuation, batch.shape, thinker.settings.thoughtLength),
        diversity: thoughtDiversity(batch.thoughts, batch.shape, thinker.settings.thoughtLength),
      });
    } finally {
      tokens.dispose();
      inputs.dispose();
    }
  }
  return summarise(parts);
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function summarise(parts: { batch: ThoughtBatch; overlap: { tokenMatch: number; exactMatch: number }; diversity: { distinctPositions: number; distinct2: number } }[]): ThoughtEvaluation {
  const all = (pick: (batch: ThoughtBatch) => Float32Array) => concat(parts.map((part) => pick(part.batch)));
  const mixed = all((b) => b.mixedNll);
  const base = all((b) => b.baseNll);
  const utility = all((b) => b.utility);
  const semantic = all((b) => b.semantic);
  const syntactic = all((b) => b.syntactic);
  const delta = base.map((value, i) => value - (mixed[i] as number));
  const deltaMean = mean(delta);
  const variance = mean(delta.map((value) => (value - deltaMean) ** 2));
  const weighted = (pick: (part: (typeof parts)[number]) => number) => mean(parts.map(pick));
  return {
    lossWithThoughts: mean(mixed),
    lossWithoutThoughts: mean(base),
    lossDelta: deltaMean,
    lossDeltaStdErr: Math.sqrt(variance / Math.max(1, delta.length)),
    meanMixWeight: mean(all((b) => b.mixWeight)),
    utility: mean(utility),
    semantic: mean(semantic),
    syntactic: mean(syntactic),
    semanticUtilityCorrelation: pearson(semantic, utility),
    syntacticUtilityCorrelation: pearson(syntactic, utility),
    distinctPositions: weighted((p) => p.diversity.distinctPositions),
    distinct2: weighted((p) => p.diversity.distinct2),
    continuationTokenMatch: weighted((p) => p.overlap.tokenMatch),
    continuationExactMatch: weighted((p) => p.overlap.exactMatch),
    positions: mixed.length,
  };
}

/**
 * The plain fine-tune control: a fresh copy of the input trained as an ordinary LM for the same steps,
 * batch and learning rate as the thought training. It answers "would the same budget without thoughts
 * have done better?" and costs about 1/(thought steps) of the Quiet-STaR training.
 */
import { SPECIAL_IDS, documentBatchSource, loadModelCheckpoint, train } from '@agent-forge/core';
import type { PhaseContext, TinyTitan } from '@agent-forge/core';
import { positionNll } from './base-loss.js';
import type { HeldOutWindows } from './evaluate.js';
import type { QuietStarPhaseConfig } from './phase-config.js';

/**
 * Fine-tunes the input at `dir` as a plain LM; returns the model (owned by the caller) and its NLL at every
 * held-out position `[rows, cols − 1]`.
 */
export async function plainFineTune(
  dir: string,
  config: QuietStarPhaseConfig,
  ctx: Pick<PhaseContext, 'seed' | 'rng' | 'signal'>,
  documents: Int32Array[],
  windows: HeldOutWindows,
): Promise<{ model: TinyTitan; nll: Float32Array }> {
  const { model } = await loadModelCheckpoint(dir);
  try {
    const data = documentBatchSource(documents, {
      batchSize: config.batchSize,
      contextLength: model.config.contextLength,
      seed: ctx.seed,
      eosId: SPECIAL_IDS.eos,
    });
    await train({
      model,
      data,
      config: { ...config, checkpointEvery: 0 },
      shape: model.config,
      signal: ctx.signal,
      rng: ctx.rng.fork('quietstar-control'),
    });
    return { model, nll: positionNll(model, windows) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The quietstar phase's steps: load the input and its data, train the thoughts. */
import path from 'node:path';
import {
  ForgeError,
  SPECIAL_IDS,
  documentBatchSource,
  loadModelCheckpoint,
  parseConfig,
  preparePhaseDataWithCheckSet,
  train,
} from '@agent-forge/core';
import type { BpeTokenizer, PhaseContext, PhaseData, TokenWindows, Tracker, TrainSummary } from '@agent-forge/core';
import { mean } from './coherence.js';
import { quietStarObjective } from './objective.js';
import type { QuietStarPhaseConfig } from './phase-config.js';
import { QUIETSTAR_EXTENSION, QuietStarSettingsSchema } from './settings.js';
import { Thinker } from './thinker.js';

/** Loads the input checkpoint (keeping its extensions) and wraps it in a fresh thinker. */
export async function loadInputThinker(
  dir: string,
  config: QuietStarPhaseConfig,
  seed: number,
): Promise<{ thinker: Thinker; tokenizer: BpeTokenizer; extensions: Record<string, unknown> }> {
  let loaded: Awaited<ReturnType<typeof loadModelCheckpoint>>;
  try {
    loaded = await loadModelCheckpoint(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ForgeError(`quietstar cannot load the input model at ${dir}: ${reason}`, { file: dir, cause: error });
  }
  const { model, tokenizer, config: checkpoint } = loaded;
  if (checkpoint.extensions[QUIETSTAR_EXTENSION] !== undefined) {
    model.dispose();
    throw new ForgeError(
      'the input already has Quiet-STaR thoughts (extensions.quietstar); continue it with loadThinker instead',
      { file: dir, field: 'extensions.quietstar' },
    );
  }
  const settings = parseConfig(QuietStarSettingsSchema, config, { prefix: 'phases.quietstar' });
  return { thinker: new Thinker(model, settings, {}, seed), tokenizer, extensions: checkpoint.extensions };
}

/**
 * The phase's data (core's split and held-out windows), plus, with `handOnBest`, the check set the model to
 * hand on is chosen on: the held-out windows after the reported ones.
 */
export function prepareQuietstarData(
  config: QuietStarPhaseConfig,
  ctx: PhaseContext,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<PhaseData<TokenWindows | undefined>> {
  return preparePhaseDataWithCheckSet(
    config,
    ctx,
    tokenizer,
    contextLength,
    config.handOnBest ? 'handOnBest' : undefined,
  );
}

/** Thought training through core's loop (resumes from `<phaseDir>/train-state`); logs the coherence scores per step. */
export async function trainThoughts(
  thinker: Thinker,
  config: QuietStarPhaseConfig,
  ctx: PhaseContext,
  documents: Int32Array[],
): Promise<TrainSummary> {
  const { contextLength } = thinker.model.config;
  const data = documentBatchSource(documents, {
    batchSize: config.batchSize,
    contextLength,
    seed: ctx.seed,
    eosId: SPECIAL_IDS.eos,
  });
  const rng = ctx.rng.fork('quietstar-thoughts');
  const pending: Record<string, number>[] = [];
  const objective = {
    namedWeights: () => thinker.namedWeights(),
    loss: (tokens: Parameters<typeof quietStarObjective>[1]) => {
      const batch = quietStarObjective(thinker, tokens, rng);
      pending.push({
        lmLoss: batch.lmLoss,
        policyLoss: batch.policyLoss,
        ...(Number.isFinite(batch.baseLmLoss) ? { baseLmLoss: batch.baseLmLoss } : {}),
        mixWeight: mean(batch.mixWeight),
        utility: mean(batch.utility),
        semantic: mean(batch.semantic),
        syntactic: mean(batch.syntactic),
      });
      return batch.loss;
    },
  };
  return train({
    model: objective,
    data,
    config,
    shape: thinker.model.config,
    stateDir: path.join(ctx.phaseDir, 'train-state'),
    tracker: withStepStats(ctx.tracker, () => meanOfRecords(pending.splice(0))),
    phase: 'quietstar',
    progress: ctx.progress,
    signal: ctx.signal,
    rng,
  });
}

/**
 * The run's tracker, with the thought statistics added to every metrics record of the loop: the mean over
 * every micro-batch since the previous record (`drain` empties the list).
 */
function withStepStats(tracker: Tracker, drain: () => Record<string, number>): Tracker {
  const wrapped = Object.create(tracker) as Tracker;
  wrapped.metrics = (phase, step, values) => tracker.metrics(phase, step, { ...values, ...drain() });
  wrapped.event = (event, data, phase) => tracker.event(event, data, phase);
  return wrapped;
}

/** Field-wise mean of records with the same keys; {} for none. */
function meanOfRecords(records: readonly Record<string, number>[]): Record<string, number> {
  const first = records[0];
  if (!first) return {};
  return Object.fromEntries(
    Object.keys(first).map((key) => [key, mean(records.map((record) => record[key] ?? Number.NaN))]),
  );
}

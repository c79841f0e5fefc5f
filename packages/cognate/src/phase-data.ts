/** The cognate phase's data: one dataset, one tokenizer trained on its training split and shared by all three models. */
import { preparePhaseData, trainBpe } from '@agent-forge/core';
import type { PhaseContext, PhaseData } from '@agent-forge/core';
import type { CognatePhaseConfig } from './phase-config.js';

/** The tokenizer, training documents and held-out set the three cognate models share. */
export type CognateData = PhaseData;

/**
 * Core's data path, with the tokenizer trained on the training split. The BPE training is deterministic,
 * so a resumed phase rebuilds the very same tokenizer.
 */
export async function prepareCognateData(
  config: CognatePhaseConfig,
  ctx: PhaseContext,
  model: { vocabSize: number; contextLength: number },
): Promise<CognateData> {
  return preparePhaseData(config, ctx, null, model.contextLength, {
    tokenizer: ({ train }) => trainBpe(train.texts(), { vocabSize: model.vocabSize }),
  });
}

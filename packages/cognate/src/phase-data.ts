/** The cognate phase's data: one dataset, one tokenizer trained on its training split and shared by all three models. */
import { ForgeError, SPECIAL_IDS, builtinDataFor, heldOutWindows, loadDataset, trainBpe } from '@agent-forge/core';
import type { BpeTokenizer, PhaseContext, Problem } from '@agent-forge/core';
import type { CognatePhaseConfig } from './phase-config.js';

/** The held-out data a cognate model is evaluated on. */
export interface HeldOut {
  /** Token windows for perplexity, ponder and memory statistics: `rows` × `cols`, row-major. */
  readonly windows: {
    /** Token ids, `rows × cols` row-major; each row is one window of `contextLength + 1` tokens (input plus next-token target). */
    tokens: Int32Array;
    /** Number of windows (at most the phase's `evalWindows`). */
    rows: number;
    /** Tokens per window: the model's context length + 1. */
    cols: number;
  };
  /** Problems decoded greedily for answer accuracy. */
  readonly problems: readonly Problem[];
  /** Tokens generated per problem. */
  readonly maxNewTokens: number;
}

export interface CognateData {
  readonly tokenizer: BpeTokenizer;
  readonly trainDocuments: Int32Array[];
  readonly heldOut: HeldOut;
}

/**
 * Run-wide data wins over `config.data`, which wins over the preset's built-in problems. The BPE
 * training is deterministic, so a resumed phase rebuilds the very same tokenizer.
 */
export async function prepareCognateData(
  config: CognatePhaseConfig,
  ctx: PhaseContext,
  model: { vocabSize: number; contextLength: number },
): Promise<CognateData> {
  const dataset = await loadDataset(ctx.data ?? config.data ?? builtinDataFor(ctx.preset, ctx.seed));
  const { train, validation } = dataset.split({ validationFraction: config.validationFraction, seed: ctx.seed });
  const tokenizer = trainBpe(train.texts(), { vocabSize: model.vocabSize });
  const windows = heldOutWindows(
    validation.tokenize(tokenizer),
    model.contextLength,
    SPECIAL_IDS.eos,
    config.evalWindows,
  );
  if (windows.rows === 0 || train.size === 0) {
    throw new ForgeError(
      `the data (${dataset.size} examples) is too small: need held-out text longer than the context (${model.contextLength} tokens) and training examples`,
      { field: 'data' },
    );
  }
  const problems = validation.problems().slice(0, config.evalProblems);
  return {
    tokenizer,
    trainDocuments: train.tokenize(tokenizer),
    heldOut: { windows, problems, maxNewTokens: config.maxNewTokens },
  };
}

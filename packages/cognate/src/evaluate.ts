/** Held-out quality and runtime profile of one cognate model. */
import { answerAccuracy, formatProblem, greedyCompleter, perplexity, tf, titanRunnerOf } from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import type { HeldOut } from './phase-data.js';

/** Rows per profiled forward pass. */
const PROFILE_BATCH = 4;

/** Held-out quality of one trained model, as reported in the phase metrics (`<role>.perplexity`, …). */
export interface VariantQuality {
  /** Held-out perplexity, exp(loss), over the evaluation windows. */
  readonly perplexity: number;
  /** Mean held-out next-token cross-entropy, in nats per token. */
  readonly loss: number;
  /** Undefined when no problems were evaluated. */
  readonly accuracy: number | undefined;
}

/** Runtime behaviour of one model over the held-out windows: ACT pondering, memory writes and speed. */
export interface ForwardProfile {
  /** Mean and max ACT steps per token over the held-out windows. */
  readonly meanPonderSteps: number;
  /** Most ACT steps any token took (≤ `actMaxSteps`). */
  readonly maxPonderSteps: number;
  /** Share of tokens whose surprise passed the gate and wrote to memory. */
  readonly memoryUpdateRate: number;
  /** Mean relative retrieval error ‖kW − v‖ of the memory over the held-out tokens. */
  readonly memorySurprise: number;
  /** Wall time of one `[PROFILE_BATCH, context]` forward: a report figure, machine-dependent. */
  readonly msPerForward: number;
}

/** Perplexity of `model` on the held-out windows, plus greedy exact-match answer accuracy when `heldOut` has problems (slow: token-by-token decoding). */
export async function evaluateQuality(
  model: TinyTitan,
  tokenizer: BpeTokenizer,
  heldOut: HeldOut,
): Promise<VariantQuality> {
  const { perplexity: value, loss } = perplexity(model, heldOut.windows);
  if (heldOut.problems.length === 0) return { perplexity: value, loss, accuracy: undefined };
  const complete = greedyCompleter(model, tokenizer, heldOut.maxNewTokens);
  const { accuracy } = await answerAccuracy(heldOut.problems, (problem) => formatProblem(problem).prompt, complete);
  return { perplexity: value, loss, accuracy };
}

/** Forward passes over the held-out windows (inputs only), reading the runner's statistics after each. */
export function profileForward(model: TinyTitan, windows: HeldOut['windows']): ForwardProfile {
  const runner = titanRunnerOf(model);
  const length = windows.cols - 1;
  let steps = 0;
  let positions = 0;
  let maxSteps = 0;
  let writes = 0;
  let tokens = 0;
  let surprise = 0;
  let elapsed = 0;
  let passes = 0;
  for (let start = 0; start < windows.rows; start += PROFILE_BATCH) {
    const rows = Math.min(PROFILE_BATCH, windows.rows - start);
    const input = tf.tidy(() =>
      tf.slice(
        tf.tensor2d(
          windows.tokens.subarray(start * windows.cols, (start + rows) * windows.cols),
          [rows, windows.cols],
          'int32',
        ),
        [0, 0],
        [rows, length],
      ),
    );
    const began = performance.now();
    const logits = model.forward(input as tf.Tensor2D);
    logits.dataSync();
    elapsed += performance.now() - began;
    passes += 1;
    tf.dispose([input, logits]);
    const stats = runner.lastStats();
    steps += stats.meanPonderSteps * rows * length;
    positions += rows * length;
    maxSteps = Math.max(maxSteps, stats.maxPonderSteps);
    writes += stats.memoryWrites;
    tokens += stats.memoryTokens;
    surprise += stats.meanSurprise * rows * length;
  }
  return {
    meanPonderSteps: steps / positions,
    maxPonderSteps: maxSteps,
    memoryUpdateRate: tokens ? writes / tokens : 0,
    memorySurprise: surprise / positions,
    msPerForward: elapsed / passes,
  };
}

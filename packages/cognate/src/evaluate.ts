/** Held-out quality (core's `evaluateQuality`) and runtime profile of one cognate model. */
import { tf, titanRunnerOf } from '@agent-forge/core';
import type { Quality, TinyTitan, TokenWindows } from '@agent-forge/core';

/** Rows per profiled forward pass. */
const PROFILE_BATCH = 4;

/** Held-out quality of one trained model (core's `Quality`), as reported in the phase metrics (`<role>.perplexity`, …). */
export type VariantQuality = Quality;

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

export { evaluateQuality } from '@agent-forge/core';

/** Forward passes over the held-out windows (inputs only), reading the runner's statistics after each. */
export function profileForward(model: TinyTitan, windows: TokenWindows): ForwardProfile {
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

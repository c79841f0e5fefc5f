import type { Dtype, HostTensor } from '@agent-forge/core';

/**
 * One tensor of the merged model: its name, dtype and shape are known when the merge is planned, so
 * the output header can be written (and every parameter checked) before any tensor data is read;
 * `produce` reads the inputs it needs and computes it.
 */
export interface PlannedTensor {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  produce(): Promise<HostTensor>;
}

export interface MergePlan {
  readonly tensors: readonly PlannedTensor[];
  /** Blocks in the merged model. */
  readonly layerCount: number;
  /** The model whose non-block tensors (and config, tokenizer) the output takes. */
  readonly primaryModel: string;
}

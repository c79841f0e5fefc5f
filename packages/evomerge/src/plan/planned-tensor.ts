import type { Dtype, HostTensor } from '@agent-forge/core';

/**
 * One tensor of the merged model: its name, dtype and shape are known when the merge is planned, so
 * the output header can be written (and every parameter checked) before any tensor data is read;
 * `produce` reads the inputs it needs and computes it.
 */
export interface PlannedTensor {
  /** Output tensor name (renumbered `blocks.<i>.…` for layer-routing merges). */
  readonly name: string;
  /** Output dtype: the config's `dtype`, else the dtype of the tensor it is based on. */
  readonly dtype: Dtype;
  /** Output shape; always the source tensor's shape (merges never reshape). */
  readonly shape: readonly number[];
  /** Reads the inputs this tensor needs and computes it; the result must match `dtype` and `shape`. */
  produce(): Promise<HostTensor>;
}

/** A planned merge: every output tensor known and every parameter validated, no tensor data read yet. */
export interface MergePlan {
  /** Every tensor of the merged model, one entry per output name (the streamed writer orders them by dtype, then name). */
  readonly tensors: readonly PlannedTensor[];
  /** Blocks in the merged model. */
  readonly layerCount: number;
  /** The model whose non-block tensors (and config, tokenizer) the output takes. */
  readonly primaryModel: string;
}

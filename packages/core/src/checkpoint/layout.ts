/**
 * What a checkpoint directory holds. Saving swaps the whole directory in with
 * `replaceDirectory` (io/atomic-dir.ts), so these files always come from one save.
 */
export const CHECKPOINT_FILES = {
  /** The model's architecture, config and extension settings (JSON), everything needed to rebuild it. */
  config: 'config.json',
  /** The model's weights, by stable name, in safetensors format. */
  weights: 'model.safetensors',
  /** The BPE tokenizer (vocabulary, merges, special tokens) as JSON. */
  tokenizer: 'tokenizer.json',
  /** The saving phase's own record for this model (JSON, e.g. role and scores); optional. */
  result: 'result.json',
} as const;

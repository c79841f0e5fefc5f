/**
 * What a checkpoint directory holds. Saving swaps the whole directory in with
 * `replaceDirectory` (io/atomic-dir.ts), so these files always come from one save.
 */
export const CHECKPOINT_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  tokenizer: 'tokenizer.json',
  result: 'result.json',
} as const;

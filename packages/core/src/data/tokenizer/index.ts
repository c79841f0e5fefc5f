export { BpeTokenizer, type EncodeOptions } from './bpe-tokenizer.js';
export { trainBpe, type TrainBpeOptions } from './train-bpe.js';
export { pretokenize, PRETOKENIZER_NAME } from './pretokenize.js';
export {
  SPECIAL_TOKENS,
  SPECIAL_IDS,
  BYTE_OFFSET,
  FIRST_MERGE_ID,
  PAD_TOKEN,
  BOS_TOKEN,
  EOS_TOKEN,
  START_OF_THOUGHT_TOKEN,
  END_OF_THOUGHT_TOKEN,
  personaToken,
} from './special-tokens.js';
export {
  saveTokenizer,
  loadTokenizer,
  tokenizerToFile,
  tokenizerFromFile,
  TOKENIZER_FORMAT,
  TOKENIZER_FORMAT_VERSION,
  tokenizerFileSchema,
  type TokenizerFile,
} from './tokenizer-file.js';

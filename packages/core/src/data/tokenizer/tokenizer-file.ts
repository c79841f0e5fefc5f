import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ForgeError } from '../../errors.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { PRETOKENIZER_NAME } from './pretokenize.js';
import { BYTE_OFFSET, FIRST_MERGE_ID, SPECIAL_TOKENS } from './special-tokens.js';

/** The `format` tag of tokenizer.json, checked on load so a foreign tokenizer file is rejected clearly. */
export const TOKENIZER_FORMAT = 'agent-forge/bpe-tokenizer';
/** The tokenizer.json version this code reads and writes. */
export const TOKENIZER_FORMAT_VERSION = 1;

/** Reserved ids the project refers to by role: a file may rename spares, never these. */
const FIXED_ROLE_COUNT = 18;

const tokenId = z.number().int().nonnegative();

/** The zod schema of tokenizer.json, version 1: what `loadTokenizer` validates a file against. */
export const tokenizerFileSchema = z.object({
  /** Always `agent-forge/bpe-tokenizer`; anything else is rejected as a foreign tokenizer file. */
  format: z.literal(TOKENIZER_FORMAT),
  /** File format version; always 1. */
  version: z.literal(TOKENIZER_FORMAT_VERSION),
  /** The pre-tokenizer regex's versioned name (`gpt2-single-digits-v1`); a different regex would change encodings. */
  pretokenizer: z.literal(PRETOKENIZER_NAME),
  /** Total ids: the reserved tokens, the 256 raw bytes and one per merge; must equal `FIRST_MERGE_ID + merges.length`. */
  vocabSize: z.number().int(),
  /** The reserved tokens in id order, exactly `BYTE_OFFSET` (24) of them, unique; the first 18 must be the fixed ones, spares may be renamed. */
  specialTokens: z.array(z.string().min(1)).length(BYTE_OFFSET),
  /** Learned merges in order: `merges[i]` is the `[left, right]` pair of earlier non-reserved ids that id `FIRST_MERGE_ID + i` joins. */
  merges: z.array(z.tuple([tokenId, tokenId])),
});

/** tokenizer.json, version 1. `merges[i]` = the pair of ids that id `FIRST_MERGE_ID + i` joins. */
export type TokenizerFile = z.infer<typeof tokenizerFileSchema>;

/** The tokenizer as tokenizer.json contents, for saving with a checkpoint. */
export function tokenizerToFile(tokenizer: BpeTokenizer): TokenizerFile {
  return {
    format: TOKENIZER_FORMAT,
    version: TOKENIZER_FORMAT_VERSION,
    pretokenizer: PRETOKENIZER_NAME,
    vocabSize: tokenizer.vocabSize,
    specialTokens: [...tokenizer.specialTokens],
    merges: tokenizer.merges.map(([a, b]) => [a, b]),
  };
}

/** Validates parsed JSON; `file` only names the source in errors. */
export function tokenizerFromFile(json: unknown, file = 'tokenizer.json'): BpeTokenizer {
  const parsed = tokenizerFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : undefined;
    throw new ForgeError(`invalid tokenizer file: ${issue?.message ?? 'unknown problem'}`, { file, field });
  }
  checkConsistency(parsed.data, file);
  return new BpeTokenizer(parsed.data.merges, parsed.data.specialTokens);
}

function checkConsistency(data: TokenizerFile, file: string): void {
  for (let id = 0; id < FIXED_ROLE_COUNT; id++) {
    if (data.specialTokens[id] !== SPECIAL_TOKENS[id]) {
      throw new ForgeError(`reserved id ${id} must be '${SPECIAL_TOKENS[id]}'`, { file, field: `specialTokens.${id}` });
    }
  }
  if (new Set(data.specialTokens).size !== data.specialTokens.length) {
    throw new ForgeError('reserved tokens must be unique', { file, field: 'specialTokens' });
  }
  const seen = new Set<string>();
  data.merges.forEach(([left, right], i) => {
    const newId = FIRST_MERGE_ID + i;
    if (left < BYTE_OFFSET || right < BYTE_OFFSET || left >= newId || right >= newId) {
      throw new ForgeError(`merge must join two earlier non-reserved ids (< ${newId})`, { file, field: `merges.${i}` });
    }
    const key = `${left},${right}`;
    if (seen.has(key)) throw new ForgeError('duplicate merge', { file, field: `merges.${i}` });
    seen.add(key);
  });
  const expected = FIRST_MERGE_ID + data.merges.length;
  if (data.vocabSize !== expected) {
    throw new ForgeError(
      `vocabSize ${data.vocabSize} does not match the ${data.merges.length} merges (expected ${expected})`,
      {
        file,
        field: 'vocabSize',
      },
    );
  }
}

/** Write `tokenizer` to `file` as tokenizer.json, atomically. */
export async function saveTokenizer(tokenizer: BpeTokenizer, file: string): Promise<void> {
  await writeJsonAtomic(file, tokenizerToFile(tokenizer));
}

/** Read and validate a tokenizer.json; a missing, malformed or inconsistent file is a ForgeError naming the field. */
export async function loadTokenizer(file: string): Promise<BpeTokenizer> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ForgeError('cannot read tokenizer file', { file, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ForgeError(`tokenizer file is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  return tokenizerFromFile(json, file);
}

/**
 * Reserved tokens. They take the lowest ids so that every tokenizer, whatever its vocab size,
 * agrees on them: a checkpoint's `<eos>` id never depends on how the tokenizer was trained.
 */
const PERSONA_COUNT = 9;

/** Named spares so later phases (tool use) can claim a slot without moving any id. */
const TOOL_TOKENS = ['<|tool_call|>', '<|end_tool_call|>', '<|tool_result|>', '<|end_tool_result|>'] as const;
const SPARE_COUNT = 6;

/** Padding (id 0): fills short rows; losses skip it via `ignoreId`. */
export const PAD_TOKEN = '<pad>';
/** Beginning of sequence (id 1). */
export const BOS_TOKEN = '<bos>';
/** End of sequence (id 2): separates packed documents and stops generation. */
export const EOS_TOKEN = '<eos>';
/** Opens a Quiet-STaR thought (id 3). */
export const START_OF_THOUGHT_TOKEN = '<|startofthought|>';
/** Closes a Quiet-STaR thought (id 4). */
export const END_OF_THOUGHT_TOKEN = '<|endofthought|>';

/** The persona token `<|persona_i|>` (ids 5–13) that baking prefixes prompts with; `index` is 0–8, else a RangeError. */
export function personaToken(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= PERSONA_COUNT) {
    throw new RangeError(`persona index must be an integer in [0, ${PERSONA_COUNT - 1}], got ${index}`);
  }
  return `<|persona_${index}|>`;
}

/** Every reserved token, in id order: `SPECIAL_TOKENS[id]` is the token with that id. */
export const SPECIAL_TOKENS: readonly string[] = Object.freeze([
  PAD_TOKEN,
  BOS_TOKEN,
  EOS_TOKEN,
  START_OF_THOUGHT_TOKEN,
  END_OF_THOUGHT_TOKEN,
  ...Array.from({ length: PERSONA_COUNT }, (_, i) => personaToken(i)),
  ...TOOL_TOKENS,
  ...Array.from({ length: SPARE_COUNT }, (_, i) => `<|reserved_${i}|>`),
]);

/** Fixed ids of the tokens the rest of the project refers to by role. */
export const SPECIAL_IDS = Object.freeze({
  /** `<pad>`: fills short rows; losses skip it via `ignoreId`. */
  pad: 0,
  /** `<bos>`: beginning of sequence. */
  bos: 1,
  /** `<eos>`: separates packed documents and stops generation. */
  eos: 2,
  /** `<|startofthought|>`: opens a Quiet-STaR thought. */
  startOfThought: 3,
  /** `<|endofthought|>`: closes a Quiet-STaR thought. */
  endOfThought: 4,
  /** `<|persona_i|>` has id `firstPersona + i`. */
  firstPersona: 5,
  /** How many persona tokens there are (9, ids 5–13); `i` of `<|persona_i|>` runs from 0 to this − 1. */
  personaCount: PERSONA_COUNT,
  /** `<|tool_call|>`: opens a tool call (reserved for tool use). */
  toolCall: 14,
  /** `<|end_tool_call|>`: closes a tool call. */
  endToolCall: 15,
  /** `<|tool_result|>`: opens a tool's result. */
  toolResult: 16,
  /** `<|end_tool_result|>`: closes a tool's result. */
  endToolResult: 17,
});

/** Raw bytes start right after the reserved block; learned merges follow the 256 bytes. */
export const BYTE_OFFSET = SPECIAL_TOKENS.length;
/** Id of the first learned merge, right after the reserved tokens and the 256 raw bytes. */
export const FIRST_MERGE_ID = BYTE_OFFSET + 256;

/**
 * A pair of token ids packed into one number so that pair tables are plain Map<number, …>
 * (string keys would allocate per lookup). 2^21 ids per side keeps the product below 2^53.
 */
export const MAX_VOCAB_SIZE = 2 ** 21;

export function pairKey(left: number, right: number): number {
  return left * MAX_VOCAB_SIZE + right;
}

export function pairLeft(key: number): number {
  return Math.floor(key / MAX_VOCAB_SIZE);
}

export function pairRight(key: number): number {
  return key % MAX_VOCAB_SIZE;
}

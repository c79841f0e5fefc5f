/**
 * Concatenates documents in `order`, each followed by `eosId`, into one token stream. Packing
 * wastes no compute on padding; the `<eos>` tells the model where one document ends.
 */
export function packTokenStream(
  documents: ReadonlyArray<ArrayLike<number>>,
  order: ArrayLike<number>,
  eosId: number,
): Int32Array {
  let length = 0;
  for (let i = 0; i < order.length; i++) length += (documents[order[i] as number] as ArrayLike<number>).length + 1;
  const stream = new Int32Array(length);
  let offset = 0;
  for (let i = 0; i < order.length; i++) {
    const document = documents[order[i] as number] as ArrayLike<number>;
    stream.set(document, offset);
    offset += document.length;
    stream[offset++] = eosId;
  }
  return stream;
}

/**
 * How many training windows of `contextLength + 1` tokens (inputs plus the shifted target) the
 * stream holds. Windows start every `contextLength` tokens, so consecutive windows share one
 * token: every token is predicted exactly once.
 */
export function windowCount(streamLength: number, contextLength: number): number {
  return streamLength > contextLength ? Math.floor((streamLength - 1) / contextLength) : 0;
}

/** Copies window `index` of the stream into `out` at `offset`. */
export function copyWindow(
  stream: Int32Array,
  index: number,
  contextLength: number,
  out: Int32Array,
  offset: number,
): void {
  const start = index * contextLength;
  out.set(stream.subarray(start, start + contextLength + 1), offset);
}

/**
 * Which slice of a broadcast operand feeds each output slice of a batched product: numpy rules on
 * the batch dimensions (right-aligned; a size-1 or missing dimension repeats).
 */

/**
 * For every flat index of `outBatchShape`, the flat index into `operandBatchShape`.
 * `outBatchShape` must be the broadcast of `operandBatchShape` with the other operand's.
 */
export function broadcastSliceIndices(
  outBatchShape: readonly number[],
  operandBatchShape: readonly number[],
): number[] {
  const outSize = outBatchShape.reduce((size, dim) => size * dim, 1);
  const rankGap = outBatchShape.length - operandBatchShape.length;
  const indices: number[] = new Array<number>(outSize);
  for (let flat = 0; flat < outSize; flat++) {
    let remainder = flat;
    let source = 0;
    let sourceStride = 1;
    for (let axis = outBatchShape.length - 1; axis >= rankGap; axis--) {
      const outDim = outBatchShape[axis] ?? 1;
      const operandDim = operandBatchShape[axis - rankGap] ?? 1;
      const coordinate = remainder % outDim;
      remainder = Math.floor(remainder / outDim);
      if (operandDim !== 1) source += coordinate * sourceStride;
      sourceStride *= operandDim;
    }
    indices[flat] = source;
  }
  return indices;
}

import { describe, expect, it } from 'vitest';
import { broadcastSliceIndices } from '../../src/backend/kernels/batch-broadcast.js';

describe('broadcastSliceIndices', () => {
  it('maps each output slice to itself when the operand has the full batch shape', () => {
    expect(broadcastSliceIndices([2, 3], [2, 3])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('repeats size-1 and missing batch dimensions, numpy style', () => {
    expect(broadcastSliceIndices([2, 3], [1, 3])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(broadcastSliceIndices([2, 3], [2, 1])).toEqual([0, 0, 0, 1, 1, 1]);
    expect(broadcastSliceIndices([2, 3], [3])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(broadcastSliceIndices([2, 3], [])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('handles an unbatched product and an empty batch', () => {
    expect(broadcastSliceIndices([], [])).toEqual([0]);
    expect(broadcastSliceIndices([0, 3], [1, 3])).toEqual([]);
  });
});

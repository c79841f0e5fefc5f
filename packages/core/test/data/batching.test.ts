import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { BatchIterator, SPECIAL_IDS, packTokenStream, windowCount, type BatchPosition } from '../../src/data/index.js';

const EOS = SPECIAL_IDS.eos;
/** Documents whose tokens say where they came from: doc d holds 1000*(d+1) + i. */
const documents = Array.from({ length: 40 }, (_, d) =>
  Int32Array.from({ length: 5 + (d % 7) * 3 }, (_, i) => 1000 * (d + 1) + i),
);

function rows(batch: { tokens: Int32Array; batchSize: number; width: number }): Int32Array[] {
  return Array.from({ length: batch.batchSize }, (_, r) => batch.tokens.slice(r * batch.width, (r + 1) * batch.width));
}

describe('packing', () => {
  it('joins documents in the given order, each followed by <eos>', () => {
    const stream = packTokenStream([[7, 8], [9], []], [1, 0, 2], EOS);
    expect([...stream]).toEqual([9, EOS, 7, 8, EOS, EOS]);
  });

  it('counts windows of contextLength + 1 tokens that overlap by one', () => {
    expect(windowCount(9, 4)).toBe(2); // [0..4], [4..8]
    expect(windowCount(8, 4)).toBe(1);
    expect(windowCount(4, 4)).toBe(0);
    expect(windowCount(0, 4)).toBe(0);
  });
});

describe('BatchIterator', () => {
  const options = { batchSize: 4, contextLength: 8, seed: 1, eosId: EOS };

  it('yields [batchSize, contextLength + 1] Int32Array batches cut from the packed stream', () => {
    const it = new BatchIterator(documents, options);
    const batch = it.nextBatch();
    expect(batch.tokens).toBeInstanceOf(Int32Array);
    expect(batch.width).toBe(9);
    expect(batch.tokens).toHaveLength(4 * 9);
    for (const row of rows(batch)) {
      // Inside a document tokens count up by one; a jump only happens through <eos>.
      for (let i = 1; i < row.length; i++) {
        const prev = row[i - 1] as number;
        const cur = row[i] as number;
        if (prev !== EOS && cur !== EOS) expect(cur).toBe(prev + 1);
        if (prev === EOS && cur !== EOS) expect(cur % 1000).toBe(0); // a document starts at its first token
      }
    }
  });

  it('predicts every token of an epoch exactly once (windows tile the stream)', () => {
    const it = new BatchIterator(documents, { ...options, batchSize: 1 });
    const windows = it.windowsInEpoch;
    const targets: number[] = [];
    for (let i = 0; i < windows; i++) targets.push(...rows(it.nextBatch())[0]!.slice(1));
    const totalTokens = documents.reduce((s, d) => s + d.length + 1, 0);
    expect(targets).toHaveLength(windows * 8);
    expect(totalTokens - 1 - targets.length).toBeLessThan(8); // only the tail shorter than a window is left
    const docTokens = targets.filter((t) => t !== EOS);
    expect(new Set(docTokens).size).toBe(docTokens.length); // nothing repeated within an epoch
  });

  it('is deterministic per seed and shuffles differently for another seed or epoch', () => {
    const take = (seed: number, n: number): number[][] => {
      const it = new BatchIterator(documents, { ...options, seed });
      return Array.from({ length: n }, () => [...it.nextBatch().tokens]);
    };
    expect(take(1, 3)).toEqual(take(1, 3));
    expect(take(2, 3)).not.toEqual(take(1, 3));
    const it = new BatchIterator(documents, { ...options, batchSize: 1 });
    const n = it.windowsInEpoch;
    const epoch0 = Array.from({ length: n }, () => [...it.nextBatch().tokens]);
    const next = it.nextBatch();
    expect(next.epoch).toBe(1);
    const epoch1 = [
      [...next.tokens],
      ...Array.from({ length: it.windowsInEpoch - 1 }, () => [...it.nextBatch().tokens]),
    ];
    expect(epoch1).not.toEqual(epoch0);
  });

  it('keeps document order when shuffle is off', () => {
    const it = new BatchIterator(documents, { ...options, batchSize: 2, shuffle: false });
    const stream = packTokenStream(
      documents,
      documents.map((_, i) => i),
      EOS,
    );
    // Rows are windows 0, 1 | 2, 3 of the stream in order; window w spans [8w, 8w + 9).
    const window = (w: number): number[] => [...stream.slice(8 * w, 8 * w + 9)];
    expect([...it.nextBatch().tokens]).toEqual([...window(0), ...window(1)]);
    expect([...it.nextBatch().tokens]).toEqual([...window(2), ...window(3)]);
  });

  it('resumes exactly from a serialized position, across an epoch boundary', () => {
    const original = new BatchIterator(documents, options);
    for (let i = 0; i < 5; i++) original.nextBatch();
    const saved: BatchPosition = JSON.parse(JSON.stringify(original.position));
    const expected = Array.from({ length: 30 }, () => original.nextBatch());
    expect(expected.some((b) => b.epoch > saved.epoch)).toBe(true);
    const resumed = new BatchIterator(documents, options, saved);
    for (const batch of expected) expect(resumed.nextBatch()).toEqual(batch);
    expect(resumed.position).toEqual(original.position);
  });

  it('rejects a bad position, bad options and data too small for one window', () => {
    expect(() => new BatchIterator(documents, options, { epoch: 0, window: 10_000 })).toThrow(ForgeError);
    expect(() => new BatchIterator(documents, options, { epoch: -1, window: 0 })).toThrow(/epoch/);
    expect(() => new BatchIterator(documents, options, { epoch: 0 } as unknown as BatchPosition)).toThrow(/window/);
    expect(() => new BatchIterator(documents, { ...options, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new BatchIterator(documents, { ...options, contextLength: 2.5 })).toThrow(/contextLength/);
    expect(() => new BatchIterator([[1, 2]], { ...options, contextLength: 8 })).toThrow(/contextLength/);
    expect(() => new BatchIterator([], options)).toThrow(ForgeError);
  });
});

import { TinyTitan } from '../../src/model/index.js';
import type { BatchSource } from '../../src/train/index.js';

/** A model small enough that a step takes milliseconds on any backend. */
export function microModel(seed = 1): TinyTitan {
  return new TinyTitan({ vocabSize: 24, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 }, { seed });
}

/**
 * Deterministic batches cut from a fixed token stream; its position is its whole state,
 * which is what lets a resumed run see exactly the batches an uninterrupted one would.
 */
export function streamSource(length = 4096, vocab = 24, cols = 9): BatchSource & { position: number } {
  const stream = Int32Array.from({ length }, (_, i) => (i * 7 + Math.floor(i / 5)) % vocab);
  const source = {
    position: 0,
    next(rows: number) {
      const tokens = new Int32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) tokens[r * cols + c] = stream[(source.position + r * 3 + c) % length] ?? 0;
      }
      source.position = (source.position + rows * 3) % length;
      return { tokens, rows, cols };
    },
    getState: () => ({ position: source.position }),
    setState(state: unknown) {
      source.position = (state as { position: number }).position;
    },
  };
  return source;
}

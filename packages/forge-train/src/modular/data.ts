/**
 * The paper's algorithmic task (Power et al. 2022, used by Grokfast): every equation `a ∘ b = c (mod p)`
 * as five tokens `[a, op, b, =, c]`, half of the table for training and half for validation.
 */
import { ForgeError, Rng } from '@agent-forge/core';
import type { RngState } from '@agent-forge/core';

/** The binary operation of the table: `multiply` (the paper's headline task, b = 0 left out) or `add` (full p × p table). */
export type ModularOperation = 'multiply' | 'add';

/** Tokens 0…p−1 are the numbers; then '=' and the operator, as in the reference script. */
export function modularVocab(modulus: number): {
  /** Token id of '=': p. */
  equals: number;
  /** Token id of the operator (× or +): p + 1. */
  operator: number;
  /** Vocabulary size: p + 2 (the numbers, '=' and the operator). */
  size: number;
} {
  return { equals: modulus, operator: modulus + 1, size: modulus + 2 };
}

/** The equation table shuffled and split into training and validation halves (disjoint rows). */
export interface ModularSplit {
  /** Training equations, row-major `[rows, 5]`. */
  readonly train: Int32Array;
  /** Held-out equations, row-major `[rows, 5]`: validation accuracy (generalisation, i.e. grokking) is measured on these. */
  readonly validation: Int32Array;
  /** p: numbers are tokens 0 … p − 1 and every answer is taken mod p. */
  readonly modulus: number;
}

/** Tokens per equation `[a, op, b, =, c]`: 4 inputs and the answer c, the only scored token. */
export const EQUATION_LENGTH = 5;

/**
 * All equations, shuffled by `seed` and split. Multiplication leaves b = 0 out (as the reference
 * does: its table is x·y for 0 ≤ x < p, 0 < y < p); addition keeps the full p × p table.
 */
export function modularEquations(
  modulus: number,
  operation: ModularOperation,
  trainFraction: number,
  seed: number,
): ModularSplit {
  if (!Number.isInteger(modulus) || modulus < 2)
    throw new ForgeError(`modulus must be an integer ≥ 2, got ${modulus}`, { field: 'modulus' });
  if (!(trainFraction > 0 && trainFraction < 1))
    throw new ForgeError(`trainFraction must lie in (0, 1), got ${trainFraction}`, { field: 'trainFraction' });
  const { equals, operator } = modularVocab(modulus);
  const rows: number[][] = [];
  for (let a = 0; a < modulus; a++) {
    for (let b = operation === 'multiply' ? 1 : 0; b < modulus; b++) {
      const c = operation === 'multiply' ? (a * b) % modulus : (a + b) % modulus;
      rows.push([a, operator, b, equals, c]);
    }
  }
  const rng = Rng.fromSeed(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rows[i], rows[j]] = [rows[j] as number[], rows[i] as number[]];
  }
  const trainRows = Math.floor(rows.length * trainFraction);
  return {
    train: Int32Array.from(rows.slice(0, trainRows).flat()),
    validation: Int32Array.from(rows.slice(trainRows).flat()),
    modulus,
  };
}

/** `EpochBatches.state()`: JSON-serialisable. */
export interface EpochBatchesState {
  /** Row order of the current pass (empty before the first batch). */
  readonly order: readonly number[];
  /** Rows of the current pass already served. */
  readonly cursor: number;
  /** The shuffling stream, to draw the next passes' orders. */
  readonly rng: RngState;
}

/**
 * Shuffled passes over the training rows in batches of `batchSize`, the last batch of a pass
 * holding what is left (as the reference's `torch.split` does).
 */
export class EpochBatches {
  private order: number[] = [];
  private cursor = 0;
  private readonly rng: Rng;
  private readonly rows: number;

  constructor(
    private readonly data: Int32Array,
    private readonly batchSize: number,
    seed: number,
  ) {
    this.rng = Rng.fromSeed(seed);
    this.rows = data.length / EQUATION_LENGTH;
  }

  /** The next batch, `tokens` row-major `[rows, 5]`; `rows` is `batchSize` except for the last batch of a pass. */
  next(): {
    /** The batch's equations, row-major `[rows, 5]` (`[a, op, b, =, c]` each). */
    tokens: Int32Array;
    /** Equations in the batch: `batchSize`, or fewer for the last batch of a pass. */
    rows: number;
    /** True for the last batch of a pass: the epoch ends with it (the reference validates then). */
    endsEpoch: boolean;
  } {
    if (this.cursor >= this.order.length) this.reshuffle();
    const picked = this.order.slice(this.cursor, this.cursor + this.batchSize);
    this.cursor += picked.length;
    const tokens = new Int32Array(picked.length * EQUATION_LENGTH);
    picked.forEach((row, i) =>
      tokens.set(this.data.subarray(row * EQUATION_LENGTH, (row + 1) * EQUATION_LENGTH), i * EQUATION_LENGTH),
    );
    return { tokens, rows: picked.length, endsEpoch: this.cursor >= this.order.length };
  }

  /** Where the passes stand (this pass's order, the position in it, the shuffling stream), for an exact resume. */
  state(): EpochBatchesState {
    return { order: [...this.order], cursor: this.cursor, rng: this.rng.getState() };
  }

  /** Continue from `state()`: the same batches follow as if the run had never stopped. */
  restore(state: EpochBatchesState): void {
    const valid =
      state.order.length === (state.order.length === 0 ? 0 : this.rows) &&
      state.order.every((row) => Number.isInteger(row) && row >= 0 && row < this.rows) &&
      Number.isInteger(state.cursor) &&
      state.cursor >= 0 &&
      state.cursor <= state.order.length;
    if (!valid) throw new ForgeError(`saved batch order does not fit ${this.rows} training rows`, { field: 'batches' });
    this.order = [...state.order];
    this.cursor = state.cursor;
    this.rng.restore(state.rng);
  }

  private reshuffle(): void {
    this.order = Array.from({ length: this.rows }, (_, i) => i);
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [this.order[i], this.order[j]] = [this.order[j] as number, this.order[i] as number];
    }
    this.cursor = 0;
  }
}

/**
 * Trajectories for baking: continuations y sampled from the prompted teacher P(·|u, x), the same
 * base model with no adapter active and the prompt u in front of the input x. The teacher is what
 * the baked model must match, so it is also what generates the data (the paper's recipe).
 */
import { ForgeError, Rng } from '@agent-forge/core';
import type { BatchSource, LoraAdapters, TinyTitan } from '@agent-forge/core';
import { sampleContinuations, type BatchSampling } from './sample-batch.js';

/** One training or held-out example: an input x and the teacher's continuation y, as token ids. */
export interface Trajectory {
  /** The input x (no prompt). */
  readonly input: readonly number[];
  /** The sampled continuation y, at least one token. */
  readonly continuation: readonly number[];
}

/** How trajectories are sampled (the authors sample at temperature 2.0 for diversity; 0 decodes greedily). */
export type SamplingSettings = BatchSampling;

/** Runs `body` with no adapter active, then restores whichever was. */
export async function withBaseModel<T>(adapters: LoraAdapters, body: () => Promise<T>): Promise<T> {
  const previous = adapters.active;
  adapters.activate(null);
  try {
    return await body();
  } finally {
    adapters.activate(previous);
  }
}

/** One continuation per input, sampled from the prompted base model; input i uses seed `seed + i`. */
export async function sampleTrajectories(
  model: TinyTitan,
  adapters: LoraAdapters,
  promptIds: readonly number[],
  inputs: readonly (readonly number[])[],
  settings: SamplingSettings,
): Promise<Trajectory[]> {
  const room = model.config.contextLength - promptIds.length;
  inputs.forEach((input, index) => {
    if (input.length === 0 || input.length >= room) {
      throw new ForgeError(
        `input ${index} has ${input.length} tokens; with a ${promptIds.length}-token prompt it needs 1 to ${room - 1}`,
        { field: 'inputTokens' },
      );
    }
  });
  const continuations = await withBaseModel(adapters, () =>
    sampleContinuations(
      model,
      inputs.map((input) => [...promptIds, ...input]),
      settings,
    ),
  );
  return inputs.map((input, index) => ({ input: [...input], continuation: continuations[index] as number[] }));
}

interface SourceState {
  readonly epoch: number;
  readonly cursor: number;
}

/**
 * Batches of trajectory indices, one per row (`cols` = 1): the bake's loss looks the trajectories up,
 * since teacher and student need different token rows of the same trajectory. Reshuffled every
 * epoch from `seed`; the position is the state saved with a training checkpoint.
 */
export function trajectoryBatchSource(count: number, seed: number): BatchSource {
  if (count < 1) throw new ForgeError('baking needs at least one trajectory', { field: 'trajectories' });
  const orderOf = (epoch: number): number[] =>
    Rng.fromSeed(seed)
      .fork(`epoch-${epoch}`)
      .shuffle(Array.from({ length: count }, (_, i) => i));
  let state: SourceState = { epoch: 0, cursor: 0 };
  let order = orderOf(0);
  return {
    next(rows) {
      const ids = new Int32Array(rows);
      for (let row = 0; row < rows; row++) {
        if (state.cursor === count) {
          state = { epoch: state.epoch + 1, cursor: 0 };
          order = orderOf(state.epoch);
        }
        ids[row] = order[state.cursor] as number;
        state = { ...state, cursor: state.cursor + 1 };
      }
      return { tokens: ids, rows, cols: 1 };
    },
    getState: () => ({ ...state }),
    setState(value) {
      const restored = value as Partial<SourceState> | null;
      if (
        !restored ||
        !Number.isInteger(restored.epoch) ||
        !Number.isInteger(restored.cursor) ||
        (restored.cursor as number) > count
      ) {
        throw new ForgeError('the saved trajectory position does not fit these trajectories', {
          field: 'train-state.data',
        });
      }
      state = { epoch: restored.epoch as number, cursor: restored.cursor as number };
      order = orderOf(state.epoch);
    },
  };
}

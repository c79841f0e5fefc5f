import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProgressReporter } from '@agent-forge/core';

/** A model and phase small enough to train three times in a few seconds. */
export const MICRO_MODEL = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 };
export const MICRO_DATA = { kind: 'builtin', count: 150, seed: 3, difficulty: 1 } as const;
export const MICRO_PHASE = {
  steps: 4,
  specialistSteps: 4,
  curriculumProblems: 40,
  skillEvalProblems: 4,
  recallDistractors: 1,
  batchSize: 4,
  model: MICRO_MODEL,
  data: MICRO_DATA,
  chunkSize: 4,
  actMaxSteps: 3,
  evalWindows: 4,
  evalProblems: 2,
  maxNewTokens: 6,
  capacityScale: 1 / 256,
  checkpointEvery: 1,
};

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `cognate-${label}-`));
}

/** Progress that aborts `controller` after `afterTicks` training steps of the task whose label contains `label`. */
export function abortingProgress(label: string, afterTicks: number, controller: AbortController): ProgressReporter {
  return {
    log: () => undefined,
    start(taskLabel) {
      let ticks = 0;
      return {
        tick(amount = 1) {
          ticks += amount;
          // The first tick reports the resumed step count; only count real steps in the matching task.
          if (taskLabel.includes(label) && ticks >= afterTicks) controller.abort();
        },
        done: () => undefined,
      };
    },
  };
}

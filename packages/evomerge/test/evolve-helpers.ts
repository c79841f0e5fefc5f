import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SPECIAL_IDS,
  TinyTitan,
  createTitanModel,
  documentBatchSource,
  loadDataset,
  saveModelCheckpoint,
  tf,
  titanExtensions,
  trainBpe,
} from '@agent-forge/core';
import type { PhaseResult, ProgressReporter } from '@agent-forge/core';

/** A model small enough for hundreds of evaluations in a test: 2 blocks so layer plans have a choice. */
export const MICRO_MODEL = { vocabSize: 320, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 16 };
export const MICRO_DATA = { kind: 'builtin', count: 150, seed: 3, difficulty: 1 } as const;
/** The phase at test size: 4 generations, few windows, no greedy decoding. */
export const MICRO_PHASE = {
  generations: 4,
  searchProblems: 4,
  testProblems: 4,
  recallDistractors: 1,
  evalWindows: 3,
  testWindows: 2,
  evalProblems: 3,
  reportProblems: 1,
  maxNewTokens: 4,
};
/** Cognate's three variants: the same architecture, different ACT thresholds and memory settings. */
const VARIANTS = [
  { role: 'reasoning', act: 0.95, surprise: 0.7 },
  { role: 'memory-integration', act: 0.9, surprise: 0.5 },
  { role: 'adaptive-computation', act: 0.99, surprise: 0.3 },
];

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `evomerge-${label}-`));
}

function trainSteps(model: TinyTitan, documents: Int32Array[], steps: number, seed: number): void {
  const batches = documentBatchSource(documents, {
    batchSize: 8,
    contextLength: MICRO_MODEL.contextLength,
    seed,
    eosId: SPECIAL_IDS.eos,
  });
  const optimizer = tf.train.adam(0.02);
  for (let step = 0; step < steps; step++) {
    const batch = batches.next(8);
    const cost = optimizer.minimize(
      () => tf.tidy(() => model.loss(tf.tensor2d(batch.tokens, [batch.rows, batch.cols], 'int32'))),
      true,
      [...model.namedWeights().values()],
    );
    cost?.dispose();
  }
  optimizer.dispose();
}

/** Copies `from`'s weights into the same-named weights of `to` (the transformer part of a Titan model). */
function copyWeights(from: TinyTitan, to: TinyTitan): void {
  const target = to.namedWeights();
  for (const [name, weight] of from.namedWeights()) target.get(name)?.assign(weight);
}

/**
 * Three cognate-like checkpoints made fast: one shared transformer trained a few Adam steps on the
 * built-in problems, then per variant a copy trained a few more steps on its own data order (as
 * cognate's variants differ), loaded into a Titan model with that variant's ACT/memory settings.
 * Training runs on the plain transformer: through ACT + memory it costs ~3 s a step on the loaded
 * 2-core CI machine. Returns a cognate-shaped PhaseResult.
 */
export async function makeCognateLikeInput(root: string, sharedSteps = 6, ownSteps = 2): Promise<PhaseResult> {
  const dataset = await loadDataset(MICRO_DATA);
  const { train } = dataset.split({ validationFraction: 0.1, seed: 0 });
  const tokenizer = trainBpe(train.texts(), { vocabSize: MICRO_MODEL.vocabSize });
  const documents = train.tokenize(tokenizer);
  const shared = new TinyTitan(MICRO_MODEL, { seed: 7 });
  trainSteps(shared, documents, sharedSteps, 99);
  const models = [];
  for (const [index, variant] of VARIANTS.entries()) {
    const own = new TinyTitan(MICRO_MODEL, { seed: 7 });
    copyWeights(shared, own);
    trainSteps(own, documents, ownSteps, 100 + index);
    const settings = {
      act: { threshold: variant.act, maxSteps: 2 },
      memory: { chunkSize: 4, capacity: 32, surpriseThreshold: variant.surprise },
    };
    const model = createTitanModel(MICRO_MODEL, settings, { seed: 7 });
    copyWeights(own, model);
    own.dispose();
    const dir = path.join(root, 'cognate', variant.role);
    await saveModelCheckpoint(dir, { model, tokenizer, extensions: titanExtensions(model) });
    models.push({ dir, role: variant.role, params: model.parameterCount, bytes: 0 });
    model.dispose();
  }
  shared.dispose();
  return {
    phase: 'cognate',
    runId: 'fixture',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models,
    metrics: {},
    artifacts: {},
    config: {},
  };
}

/** Progress that aborts `controller` once the evolution task has ticked `generations` finished generations. */
export function abortAfterGenerations(generations: number, controller: AbortController): ProgressReporter {
  return {
    log: () => undefined,
    start(label) {
      let ticks = 0;
      return {
        tick(amount = 1) {
          ticks += amount;
          if (label === 'evolution' && ticks >= generations) controller.abort();
        },
        done: () => undefined,
      };
    },
  };
}

/** The bitnet phase's steps: load the input model, fine-tune, save. */
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  PACKED_FILE,
  SPECIAL_IDS,
  documentBatchSource,
  loadModelCheckpoint,
  saveModelCheckpoint,
  train,
  trainingObjective,
} from '@agent-forge/core';
import type { BitNetExtension, BpeTokenizer, PhaseContext, TinyTitan, TrainSummary } from '@agent-forge/core';
import type { BitNetPhaseConfig } from './phase-config.js';
import { measureSizes, type SizeReport } from './size-report.js';

/** Loads the input checkpoint (with its ACT/memory extensions); a BitNet input is refused by the caller. */
export async function loadDenseInput(
  dir: string,
): Promise<{ model: TinyTitan; tokenizer: BpeTokenizer; extensions: Record<string, unknown> }> {
  try {
    const { model, tokenizer, config } = await loadModelCheckpoint(dir);
    if (config.extensions.bitnet !== undefined) {
      model.dispose();
      throw new ForgeError('the input is already a BitNet model', { field: 'extensions.bitnet' });
    }
    return { model, tokenizer, extensions: config.extensions };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ForgeError(
      `bitnet cannot load the input model at ${dir} (it converts full-precision TinyTitan checkpoints): ${reason}`,
      { file: dir, cause: error },
    );
  }
}

/** Quantization-aware fine-tune through core's loop; resumes from `<phaseDir>/train-state`. */
export async function fineTune(
  model: TinyTitan,
  config: BitNetPhaseConfig,
  ctx: PhaseContext,
  documents: Int32Array[],
): Promise<TrainSummary> {
  const { contextLength } = model.config;
  const data = documentBatchSource(documents, {
    batchSize: config.batchSize,
    contextLength,
    seed: ctx.seed,
    eosId: SPECIAL_IDS.eos,
  });
  return train({
    model: trainingObjective(model),
    data,
    config,
    shape: model.config,
    stateDir: path.join(ctx.phaseDir, 'train-state'),
    tracker: ctx.tracker,
    phase: 'bitnet',
    progress: ctx.progress,
    signal: ctx.signal,
    rng: ctx.rng.fork('bitnet-train'),
  });
}

/** Saves the latent checkpoint, and with it (core's `bitnet` save hook) the packed file, and measures both. */
export async function saveBitNetCheckpoint(
  dir: string,
  contents: {
    model: TinyTitan;
    tokenizer: BpeTokenizer;
    extension: BitNetExtension;
    extensions: Record<string, unknown>;
  },
): Promise<SizeReport> {
  await saveModelCheckpoint(dir, {
    model: contents.model,
    tokenizer: contents.tokenizer,
    extensions: contents.extensions,
  });
  const packedFile = path.join(dir, contents.extension.packedFile || PACKED_FILE);
  return measureSizes(packedFile, path.join(dir, CHECKPOINT_FILES.weights), contents.extension.ternaryLayers);
}

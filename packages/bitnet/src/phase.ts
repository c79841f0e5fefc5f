/**
 * The bitnet phase: take the previous phase's model, convert its block projections to BitLinear,
 * fine-tune with quantization in the loop to recover quality, and save a checkpoint with both the
 * latent fp32 weights (`model.safetensors`, to keep training) and the 2-bit packed weights
 * (`model.packed.safetensors`, to deploy). Quality before/after and sizes go to metrics and report.md.
 */
import path from 'node:path';
import { BitNetSettingsSchema, bytesOnDisk, parseConfig, writeFileAtomic } from '@agent-forge/core';
import type { Phase, PhaseContext, PhaseResult } from '@agent-forge/core';
import { convertToBitNet } from './convert.js';
import { evaluateQuality } from './evaluate.js';
import { BitNetPhaseConfigSchema, bitnetPresetDefaults, type BitNetPhaseConfig } from './phase-config.js';
import { fineTune, loadDenseInput, pickInputModel, preparePhaseData, saveBitNetCheckpoint } from './phase-steps.js';
import { phaseMetrics, phaseReport, type PhaseOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const BITNET_MODEL_DIR = 'model';

async function runBitnet(
  input: PhaseResult | null,
  config: BitNetPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const source = pickInputModel(input);
  const dense = await loadDenseInput(source.dir);
  const { tokenizer } = dense;
  let denseAlive = true;
  const releaseDense = (): void => {
    if (denseAlive) dense.model.dispose();
    denseAlive = false;
  };
  let bitnet: ReturnType<typeof convertToBitNet>;
  try {
    bitnet = convertToBitNet(
      dense.model,
      parseConfig(BitNetSettingsSchema, config, { prefix: 'phases.bitnet' }),
      dense.extensions,
    );
  } catch (error) {
    releaseDense();
    throw error;
  }
  const { model, extension, extensions } = bitnet;
  try {
    const data = await preparePhaseData(config, ctx, tokenizer, model.config.contextLength);
    const before = await evaluateQuality(dense.model, tokenizer, data.heldOut);
    releaseDense();
    const converted = await evaluateQuality(model, tokenizer, data.heldOut, false);
    const training = await fineTune(model, config, ctx, data.trainDocuments);
    const after = await evaluateQuality(model, tokenizer, data.heldOut);
    const dir = path.join(ctx.phaseDir, BITNET_MODEL_DIR);
    const sizes = await saveBitNetCheckpoint(dir, { model, tokenizer, extension, extensions });
    const ternaryParams = extension.ternaryLayers.reduce(
      (sum, layer) => sum + (model.namedWeights().get(`${layer}.weight`)?.size ?? 0),
      0,
    );
    const outcome: PhaseOutcome = {
      before,
      converted,
      after,
      sizes,
      ternaryParams,
      totalParams: model.parameterCount,
      training,
    };
    const reportFile = path.join(ctx.phaseDir, 'report.md');
    await writeFileAtomic(reportFile, phaseReport(outcome));
    return {
      phase: 'bitnet',
      runId: ctx.runId,
      startedAt,
      durationMs: performance.now() - started,
      models: [{ dir, role: 'ternary', params: model.parameterCount, bytes: await bytesOnDisk(dir) }],
      metrics: phaseMetrics(outcome),
      artifacts: { report: reportFile, packedWeights: path.join(dir, extension.packedFile) },
      config,
    };
  } finally {
    releaseDense();
    model.dispose();
  }
}

/** Phase 4 of the pipeline; the CLI registers it as `bitnet`. */
export const bitnetPhase: Phase<BitNetPhaseConfig> = {
  name: 'bitnet',
  description: 'BitNet b1.58: ternary BitLinear conversion, quantization-aware fine-tune, 2-bit packed checkpoint',
  configSchema: BitNetPhaseConfigSchema,
  presetDefaults: bitnetPresetDefaults,
  run: runBitnet,
};

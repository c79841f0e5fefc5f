/**
 * The bitnet phase: take the previous phase's model, convert its block projections to BitLinear,
 * fine-tune with quantization in the loop to recover quality, and save a checkpoint with both the
 * latent fp32 weights (`model.safetensors`, to keep training) and the 2-bit packed weights
 * (`model.packed.safetensors`, to deploy). Quality before/after and sizes go to metrics and report.md.
 */
import path from 'node:path';
import { BitNetSettingsSchema, bytesOnDisk, parseConfig, pickInputModel, preparePhaseData } from '@agent-forge/core';
import type { InputModelChoice, Phase, PhaseContext, PhaseOutput, PhaseResult } from '@agent-forge/core';
import { convertToBitNet } from './convert.js';
import { evaluateQuality } from './evaluate.js';
import { BitNetPhaseConfigSchema, bitnetPresetDefaults, type BitNetPhaseConfig } from './phase-config.js';
import { fineTune, loadDenseInput, saveBitNetCheckpoint } from './phase-steps.js';
import { phaseMetrics, phaseReport, type PhaseOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const BITNET_MODEL_DIR = 'model';

/** The model bitnet converts: role 'merged' or 'reasoning' if present, else the first model. */
const INPUT: InputModelChoice = { phase: 'bitnet', roles: ['merged', 'reasoning'], after: 'cognate/evomerge' };

/** The dense input and its BitNet conversion; `releaseDense` frees the dense model once (safe to call again). */
interface Converted {
  readonly dense: Awaited<ReturnType<typeof loadDenseInput>>;
  readonly bitnet: ReturnType<typeof convertToBitNet>;
  readonly releaseDense: () => void;
}

async function loadAndConvert(dir: string, config: BitNetPhaseConfig): Promise<Converted> {
  const dense = await loadDenseInput(dir);
  let denseAlive = true;
  const releaseDense = (): void => {
    if (denseAlive) dense.model.dispose();
    denseAlive = false;
  };
  try {
    const settings = parseConfig(BitNetSettingsSchema, config, { prefix: 'phases.bitnet' });
    return { dense, bitnet: convertToBitNet(dense.model, settings, dense.extensions), releaseDense };
  } catch (error) {
    releaseDense();
    throw error;
  }
}

async function runBitnet(
  input: PhaseResult | null,
  config: BitNetPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  const { dense, bitnet, releaseDense } = await loadAndConvert(pickInputModel(input, INPUT).dir, config);
  const { tokenizer } = dense;
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
    const totalParams = model.parameterCount;
    const outcome: PhaseOutcome = { before, converted, after, sizes, ternaryParams, totalParams, training };
    return {
      models: [{ dir, role: 'ternary', params: totalParams, bytes: await bytesOnDisk(dir) }],
      metrics: phaseMetrics(outcome),
      report: phaseReport(outcome),
      artifacts: { packedWeights: path.join(dir, extension.packedFile) },
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

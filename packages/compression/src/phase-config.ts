/**
 * The compression phase's settings: which candidates to try per tensor, the quality budget, and the
 * evaluation sizes. Every candidate's settings are validated by its compressor's own schema.
 */
import { ANSWER_TOKEN_BUDGET, EvaluationSettingsSchema } from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';

/** One entry of the phase's `candidates` ladder: a method, its settings and an optional label. */
export const CandidateConfigSchema = z.object({
  /** Name in reports; default: the method name. */
  label: z.string().min(1).optional(),
  /** A registered compressor: fp32, fp16, rtn, ternary-2bit, ternary-base3, seedlm, vptq, hyper. */
  method: z.string().min(1),
  /** The compressor's settings (see its schema). */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** Only 2-D tensors with at least `minElements` weights (default: true for seedlm, vptq, hyper). */
  matricesOnly: z.boolean().optional(),
});
/** A parsed candidate entry (settings not yet validated by the method's schema). */
export type CandidateConfig = z.output<typeof CandidateConfigSchema>;

/** The default ladder: lossless ternary packings, the three paper methods at two rates, RTN and float baselines. */
export const DEFAULT_CANDIDATES: CandidateConfig[] = [
  { label: 'ternary-base3', method: 'ternary-base3', settings: {} },
  { label: 'ternary-2bit', method: 'ternary-2bit', settings: {} },
  { label: 'seedlm-4bit', method: 'seedlm', settings: { blockSize: 8, latentDim: 3 } },
  { label: 'seedlm-3bit', method: 'seedlm', settings: { blockSize: 12, latentDim: 4 } },
  { label: 'vptq-2bit', method: 'vptq', settings: { vectorLength: 4, codebookSize: 256 } },
  {
    label: 'vptq-3bit-res',
    method: 'vptq',
    settings: { vectorLength: 4, codebookSize: 256, residualCodebookSize: 16 },
  },
  { label: 'hyper-4bit', method: 'hyper', settings: { groupSize: 2, indexBits: 8 } },
  { label: 'hyper-6bit', method: 'hyper', settings: { groupSize: 2, indexBits: 12 } },
  { label: 'int4', method: 'rtn', settings: { bits: 4, groupSize: 32 }, matricesOnly: true },
  { label: 'int8', method: 'rtn', settings: { bits: 8, groupSize: 64 } },
  { label: 'fp16', method: 'fp16', settings: {} },
  { label: 'fp32', method: 'fp32', settings: {} },
];

/**
 * Settings of the compression phase: the candidate ladder, the quality budget (per-tensor relative
 * error and model loss increase), the budget and calibration windows, and core's data and evaluation settings
 * (`EvaluationSettingsSchema`). Presets: {@link compressionPresetDefaults}; unknown keys are errors.
 */
export const CompressionPhaseConfigSchema = z
  .object({
    /** The ladder of candidates tried on every tensor (default: `DEFAULT_CANDIDATES`, smallest first). */
    candidates: z.array(CandidateConfigSchema).min(1).default(DEFAULT_CANDIDATES),
    /** Seeds SeedLM tries per block when a candidate does not set `seedCandidates` (presets: tiny 1024, small 256, paper 64; 65535 = exhaustive). */
    seedCandidates: z.number().int().min(1).max(65535).default(1024),
    /** Per-tensor budget: a lossy candidate is kept only if ‖W − Ŵ‖/‖W‖ is at most this. */
    maxRelativeError: z.number().positive().default(0.25),
    /** Model budget: held-out loss may rise by at most this fraction over the input's (checked per layer group). */
    maxLossIncrease: z.number().nonnegative().default(0.05),
    /** Paper methods (seedlm, vptq, hyper) and int4 only for 2-D tensors of at least this many weights. */
    minElements: z.number().int().positive().default(4096),
    /** Weight VPTQ's k-means by input-channel importance measured on calibration windows. */
    calibrate: z.boolean().default(true),
    /** Held-out windows the per-group budget check evaluates (a few, fixed, so it stays cheap). */
    budgetWindows: z.number().int().positive().default(4),
    /** Training windows for the importance statistics. */
    calibrationWindows: z.number().int().positive().default(4),
    /** Also evaluate, per candidate, the model with every tensor it covers stored that way (the per-method report). */
    methodReports: z.boolean().default(true),
  })
  .extend(EvaluationSettingsSchema.shape)
  .strict();
/** The parsed compression config. */
export type CompressionPhaseConfig = z.output<typeof CompressionPhaseConfigSchema>;

/** Preset starting values, under whatever the user sets. */
export function compressionPresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return { seedCandidates: 1024, evalWindows: 16, budgetWindows: 4, evalProblems: 8 };
    case 'small':
      return {
        seedCandidates: 256,
        evalWindows: 32,
        budgetWindows: 8,
        evalProblems: 20,
        maxNewTokens: ANSWER_TOKEN_BUDGET.small,
      };
    case 'paper':
      return {
        seedCandidates: 64,
        evalWindows: 64,
        budgetWindows: 8,
        evalProblems: 50,
        maxNewTokens: ANSWER_TOKEN_BUDGET.paper,
      };
  }
}

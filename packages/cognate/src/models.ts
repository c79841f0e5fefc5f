/** Building the cognate models: the preset's TinyTitan with the ACT + memory runner of a variant. */
import { MODEL_PRESETS, createTitanModel, parseModelConfig } from '@agent-forge/core';
import type { ModelConfig, PresetName, TinyTitan, TitanSettingsInput } from '@agent-forge/core';
import type { CognatePhaseConfig } from './phase-config.js';
import type { CognateVariant } from './variants.js';

/** The preset's architecture with the user's overrides, validated. */
export function cognateModelConfig(preset: PresetName, overrides: Record<string, unknown>): ModelConfig {
  return parseModelConfig({ ...MODEL_PRESETS[preset], ...overrides });
}

/** ACT + memory settings of one variant: shared knobs from the phase config, its own thresholds and capacity. */
export function variantSettings(variant: CognateVariant, config: CognatePhaseConfig): TitanSettingsInput {
  return {
    act: { threshold: variant.actThreshold, maxSteps: config.actMaxSteps, ponderCost: config.ponderCost },
    memory: {
      dim: config.memoryDim,
      chunkSize: config.chunkSize,
      capacity: Math.max(1, Math.round(variant.memoryCapacity * config.capacityScale)),
      surpriseThreshold: variant.surpriseThreshold,
      maxLearningRate: config.maxLearningRate,
    },
  };
}

/**
 * One variant's model from the shared initialisation: every variant gets the same `seed`, so all three
 * start from identical weights and their differences after training are what merging works on.
 */
export function createCognateModel(
  model: ModelConfig,
  variant: CognateVariant,
  config: CognatePhaseConfig,
  seed: number,
): TinyTitan {
  return createTitanModel(model, variantSettings(variant, config), { seed });
}

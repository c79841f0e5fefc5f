/** The edge phase's settings: how the latency report is measured. */
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';

/** Settings of the edge phase: the size and number of the timed generations, and the latency budget. */
export const EdgePhaseConfigSchema = z
  .object({
    /** Prompt length of the timed generations, in tokens (capped at context − 1). Presets: tiny 32, small 64, paper 128. */
    promptTokens: z.number().int().positive().default(32),
    /** Tokens generated per timed run (fewer when the context fills first). Presets: tiny 24, small 48, paper 64. */
    newTokens: z.number().int().positive().default(24),
    /** Timed generations per path; their per-token timings are pooled for p50/p95. */
    runs: z.number().int().positive().default(3),
    /** Untimed generations first (JIT, kernel selection, first allocations). */
    warmupRuns: z.number().int().nonnegative().default(1),
    /** Also time the float path (ternary weights dequantized to F32, backend matmul) for comparison. */
    measureFloat: z.boolean().default(true),
    /** The seed's latency budget for one forward pass, in ms; the report says where the model stands. */
    forwardBudgetMs: z.number().positive().default(100),
  })
  .strict();
/** The parsed edge config. */
export type EdgePhaseConfig = z.output<typeof EdgePhaseConfigSchema>;

/** Preset starting values, under whatever the user sets. */
export function edgePresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return { promptTokens: 32, newTokens: 24, runs: 3 };
    case 'small':
      return { promptTokens: 64, newTokens: 48, runs: 3 };
    case 'paper':
      return { promptTokens: 128, newTokens: 64, runs: 3 };
  }
}

/**
 * The three cognate variants of the seed plan. They differ in hyperparameters — ACT threshold,
 * memory capacity, surprise threshold — and in the skill curriculum each continues on after the shared
 * trunk, never in weight shapes, so phase 2 can merge them. The
 * thresholds and capacities are the seed plan's (and this project's) additions: Graves' ACT default is
 * 0.99, and Titans has neither a surprise threshold nor a slot count (see ../README.md).
 */
import { ForgeError, SKILLS } from '@agent-forge/core';
import type { Skill } from '@agent-forge/core';
import { z } from 'zod';

/** Zod schema of one cognate variant: the hyperparameters that make the three models differ (no shape-changing fields). */
export const CognateVariantSchema = z
  .object({
    /** Checkpoint role, e.g. 'reasoning'. */
    role: z
      .string()
      .min(1)
      .refine((role) => role !== 'trunk', "the role `trunk` is the shared trunk's (train-state/trunk)"),
    /** ACT halting threshold (1 − ε). */
    actThreshold: z.number().gt(0).lt(1),
    /** Memory retention horizon in tokens at the paper scale; multiplied by `capacityScale`. */
    memoryCapacity: z.number().int().positive(),
    /** Relative retrieval error a token needs before it writes to memory. */
    surpriseThreshold: z.number().min(0),
    /** Curriculum the variant continues on after the shared trunk; default: its role, when the role names a skill. */
    skill: z.enum(SKILLS).optional(),
  })
  .refine((variant) => variant.skill !== undefined || SKILLS.some((name) => name === variant.role), {
    message: `a variant whose role is not a skill name needs a skill (one of ${SKILLS.join(', ')})`,
    path: ['skill'],
  });
/** One of the three cognate models' settings (see {@link CognateVariantSchema}; the defaults are {@link SEED_VARIANTS}). */
export type CognateVariant = z.infer<typeof CognateVariantSchema>;

/** The seed plan's three models: reasoning, memory-integration, adaptive-computation. */
export const SEED_VARIANTS: readonly CognateVariant[] = Object.freeze([
  { role: 'reasoning', actThreshold: 0.95, memoryCapacity: 4096, surpriseThreshold: 0.7 },
  { role: 'memory-integration', actThreshold: 0.9, memoryCapacity: 8192, surpriseThreshold: 0.5 },
  { role: 'adaptive-computation', actThreshold: 0.99, memoryCapacity: 2048, surpriseThreshold: 0.3 },
]);

/** The skill curriculum of `variant`: its `skill`, else its role (the schema checks one of them names a skill). */
export function variantSkill(variant: CognateVariant): Skill {
  const skill = variant.skill ?? SKILLS.find((name) => name === variant.role);
  if (skill === undefined) throw new ForgeError(`variant '${variant.role}' needs a skill`, { field: 'skill' });
  return skill;
}

import { describe, expect, it } from 'vitest';
import type { Skill, SkillScore } from '@agent-forge/core';
import { SEED_VARIANTS, ownSkillWins, phaseMetrics, skillTable, type VariantOutcome } from '../src/index.js';

const SKILLS: Skill[] = ['reasoning', 'memory-integration', 'adaptive-computation'];

/** A specialist whose loss is `own` on its own skill and `other` elsewhere. */
function outcome(index: number, own: number, other: number): VariantOutcome {
  const skill = SKILLS[index] as Skill;
  const skills = Object.fromEntries(
    SKILLS.map((s) => [s, { loss: s === skill ? own : other, accuracy: s === skill ? 0.5 : 0.25 }]),
  ) as Record<Skill, SkillScore>;
  const training = { step: 4, losses: [], finalLoss: 1, microBatch: 4, resumedFrom: 0, tokensPerSecond: 1 };
  const quality = { perplexity: 2, loss: Math.log(2), accuracy: 0 };
  const profile = { meanPonderSteps: 1, maxPonderSteps: 1, memoryUpdateRate: 0, memorySurprise: 0, msPerForward: 1 };
  return { variant: SEED_VARIANTS[index]!, skill, params: 10, quality, profile, training, skills };
}

describe('the model × skill report', () => {
  it('counts a specialist as best on its skill only when its loss there is lowest of the three', () => {
    const specialists = [outcome(0, 1, 2), outcome(1, 1, 2), outcome(2, 1, 2)];
    expect(ownSkillWins(specialists)).toEqual({
      reasoning: true,
      'memory-integration': true,
      'adaptive-computation': true,
    });
    expect(phaseMetrics(specialists, 1).specialistsBestOnOwnSkill).toBe(3);
    // The reasoning model is better than the others' specialists on their own skills (loss 0.5).
    const mixed = [outcome(0, 1, 0.5), outcome(1, 1, 2), outcome(2, 3, 2)];
    expect(ownSkillWins(mixed)).toEqual({
      reasoning: true,
      'memory-integration': false,
      'adaptive-computation': false,
    });
    expect(phaseMetrics(mixed, 1)['adaptive-computation.skill.adaptive-computation.loss']).toBe(3);
    expect(phaseMetrics(mixed, 1).specialistsBestOnOwnSkill).toBe(1);
  });

  it('writes one row per model with loss and accuracy on every skill, own skill in bold', () => {
    const table = skillTable([outcome(0, 1, 2), outcome(1, 1, 2), outcome(2, 1, 2)]).join('\n');
    expect(table).toContain('| reasoning (reasoning curriculum) | **1.000 / 50%** | 2.000 / 25% | 2.000 / 25% |');
    expect(table).toContain('3 of 3');
  });
});

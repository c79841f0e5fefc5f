/** The cognate phase's metrics and report.md. */
import { SKILLS } from '@agent-forge/core';
import type { Skill, SkillScore, TrainSummary } from '@agent-forge/core';
import type { ForwardProfile, VariantQuality } from './evaluate.js';
import type { CognateVariant } from './variants.js';

/** Everything measured about one trained variant. */
export interface VariantOutcome {
  /** The variant's settings (role, ACT threshold, memory capacity, surprise threshold). */
  readonly variant: CognateVariant;
  /** Parameter count of the trained model (the same for all three variants). */
  readonly params: number;
  /** Held-out perplexity, loss and answer accuracy. */
  readonly quality: VariantQuality;
  /** Ponder steps, memory update rate and forward time on the held-out windows. */
  readonly profile: ForwardProfile;
  /** The training loop's summary of its specialist run: steps run, step resumed from, final training loss. */
  readonly training: TrainSummary;
  /** The skill curriculum it continued on. */
  readonly skill: Skill;
  /** Loss and teacher-forced accuracy on each skill's held-out problems. */
  readonly skills: Readonly<Record<Skill, SkillScore>>;
}

/** The shared trunk: its training summary and its scores on each skill (the specialists' common starting point). */
export interface TrunkOutcome {
  /** The trunk's training summary. */
  readonly training: TrainSummary;
  /** Loss and teacher-forced accuracy on each skill's held-out problems. */
  readonly skills: Readonly<Record<Skill, SkillScore>>;
}

/** For each skill, whether its specialist has the lowest held-out loss of the three on it (skills without a specialist are left out). */
export function ownSkillWins(outcomes: readonly VariantOutcome[]): Partial<Record<Skill, boolean>> {
  const wins: Partial<Record<Skill, boolean>> = {};
  for (const skill of SKILLS) {
    const own = outcomes.find((outcome) => outcome.skill === skill);
    if (own === undefined) continue;
    wins[skill] = outcomes.every((other) => other === own || own.skills[skill].loss < other.skills[skill].loss);
  }
  return wins;
}

function skillMetrics(prefix: string, skills: Readonly<Record<Skill, SkillScore>>): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const skill of SKILLS) {
    metrics[`${prefix}.skill.${skill}.loss`] = skills[skill].loss;
    metrics[`${prefix}.skill.${skill}.accuracy`] = skills[skill].accuracy;
  }
  return metrics;
}

/**
 * Flat metrics: `<role>.<name>` per model (with `<role>.skill.<skill>.loss|accuracy`), the trunk's
 * `trunk.skill.…` and `trunk.trainSteps`, `specialistsBestOnOwnSkill` (0–3), and the phase-wide
 * `params` and `peakMemoryMb`.
 */
export function phaseMetrics(
  outcomes: readonly VariantOutcome[],
  peakMemoryMb: number,
  trunk?: TrunkOutcome,
): Record<string, number> {
  const metrics: Record<string, number> = {
    params: outcomes[0]?.params ?? 0,
    peakMemoryMb,
    specialistsBestOnOwnSkill: Object.values(ownSkillWins(outcomes)).filter(Boolean).length,
    ...(trunk ? { ...skillMetrics('trunk', trunk.skills), 'trunk.trainSteps': trunk.training.step } : {}),
  };
  for (const { variant, params, quality, profile, training, skills } of outcomes) {
    Object.assign(metrics, skillMetrics(variant.role, skills));
    const values: Record<string, number | undefined> = {
      params,
      perplexity: quality.perplexity,
      loss: quality.loss,
      accuracy: quality.accuracy,
      meanPonderSteps: profile.meanPonderSteps,
      maxPonderSteps: profile.maxPonderSteps,
      memoryUpdateRate: profile.memoryUpdateRate,
      memorySurprise: profile.memorySurprise,
      msPerForward: profile.msPerForward,
      trainSteps: training.step,
      resumedFromStep: training.resumedFrom,
      finalTrainLoss: training.finalLoss,
    };
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined && Number.isFinite(value)) metrics[`${variant.role}.${name}`] = value;
    }
  }
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => Number.isFinite(value)));
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

function skillCells(skills: Readonly<Record<Skill, SkillScore>>, own?: Skill): string {
  return SKILLS.map((skill) => {
    const cell = `${fixed(skills[skill].loss, 3)} / ${fixed(100 * skills[skill].accuracy, 0)}%`;
    return skill === own ? `**${cell}**` : cell;
  }).join(' | ');
}

/** The model × skill table: held-out loss and teacher-forced accuracy of the trunk and each specialist on each skill. */
export function skillTable(outcomes: readonly VariantOutcome[], trunk?: TrunkOutcome): string[] {
  const wins = ownSkillWins(outcomes);
  const won = Object.values(wins).filter(Boolean).length;
  return [
    '## Model × skill (held-out loss / teacher-forced answer accuracy)',
    '',
    `| model | ${SKILLS.join(' | ')} |`,
    `|---|${SKILLS.map(() => '---:').join('|')}|`,
    ...(trunk ? [`| trunk (shared start) | ${skillCells(trunk.skills)} |`] : []),
    ...outcomes.map((o) => `| ${o.variant.role} (${o.skill} curriculum) | ${skillCells(o.skills, o.skill)} |`),
    '',
    `Own skill in bold. Specialists with the lowest loss of the three on their own skill: ${won} of ${Object.keys(wins).length}.`,
    '',
  ];
}

/** A Markdown report: the three models' settings and profile, then the model × skill table. */
export function phaseReport(outcomes: readonly VariantOutcome[], peakMemoryMb: number, trunk?: TrunkOutcome): string {
  const rows = outcomes.map(
    ({ variant, params, quality, profile }) =>
      `| ${variant.role} | ${variant.actThreshold} | ${variant.memoryCapacity} | ${variant.surpriseThreshold} | ${params.toLocaleString('en-US')} | ${fixed(quality.perplexity, 2)} | ${fixed(quality.accuracy, 3)} | ${fixed(profile.meanPonderSteps, 3)} | ${profile.maxPonderSteps} | ${fixed(profile.memoryUpdateRate, 3)} | ${fixed(profile.msPerForward, 1)} |`,
  );
  return [
    '# cognate: three TinyTitan specialists (ACT + Titans MAL memory) from one shared trunk',
    '',
    '| role | ACT threshold | capacity (paper scale) | surprise threshold | params | held-out perplexity | answer accuracy | mean ponder steps | max ponder steps | memory update rate | ms / forward |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Peak resident memory of the process: ${peakMemoryMb.toFixed(0)} MB.`,
    '',
    ...skillTable(outcomes, trunk),
  ].join('\n');
}

/**
 * The report's comparison against the best single source: best source, equal-weight average (the
 * uniform soup) and the search's winner, each on every skill's held-out test problems, with the
 * fitness split into its quality part and its efficiency (speed + memory) part.
 */
import { SKILLS } from '@agent-forge/core';
import type { CandidateSummary, FinalEvaluation } from './final-eval.js';

/** The winner against the best source: gains of the whole fitness and of its quality part, in percent. */
export interface SourceGains {
  /** 100 · (winner − best source) / best source, of the composite fitness. */
  readonly fitnessGainPercent: number;
  /** 100 · (winner − best source) / best source, of the quality part alone (perplexity, accuracy). */
  readonly qualityGainPercent: number;
  /** Winner's efficiency part minus the best source's, in fitness units (the speed and memory terms' share of the gain). */
  readonly efficiencyDelta: number;
}

const percent = (after: number, before: number): number => (100 * (after - before)) / before;

/** The winner's gains over the best source. */
export function gainsOverBestSource(final: FinalEvaluation): SourceGains {
  const { best, bestSource } = final;
  return {
    fitnessGainPercent: percent(best.fitness, bestSource.fitness),
    qualityGainPercent: percent(best.parts.quality, bestSource.parts.quality),
    efficiencyDelta: best.parts.efficiency - bestSource.parts.efficiency,
  };
}

const compared = (final: FinalEvaluation): [string, CandidateSummary][] => [
  [`best source (${final.bestSource.label.replace(/^source /, '')})`, final.bestSource],
  ['equal-weight average', final.soup],
  ['winner', final.best],
];

/** Flat metrics: `<bestSource|average|winner>.<quality|efficiency|fitness>`, per-skill loss and accuracy, and the gains. */
export function comparisonMetrics(final: FinalEvaluation): Record<string, number> {
  const metrics: Record<string, number> = { ...gainsOverBestSource(final) };
  const keys = ['bestSource', 'average', 'winner'];
  compared(final).forEach(([, candidate], index) => {
    const key = keys[index] as string;
    metrics[`${key}.fitness`] = candidate.fitness;
    metrics[`${key}.quality`] = candidate.parts.quality;
    metrics[`${key}.efficiency`] = candidate.parts.efficiency;
    for (const skill of SKILLS) {
      const score = candidate.skills?.[skill];
      if (score === undefined) continue;
      metrics[`${key}.skill.${skill}.loss`] = score.loss;
      metrics[`${key}.skill.${skill}.accuracy`] = score.accuracy;
    }
  });
  return metrics;
}

const f = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** The Markdown section: fitness parts and every skill for best source, average and winner. */
export function comparisonSection(final: FinalEvaluation): string[] {
  const gains = gainsOverBestSource(final);
  return [
    '## Against the best source (held-out test problems per skill: loss / teacher-forced accuracy)',
    '',
    `| model | fitness | quality part | speed + memory part | test ppl | ${SKILLS.join(' | ')} |`,
    `|---|---:|---:|---:|---:|${SKILLS.map(() => '---:').join('|')}|`,
    ...compared(final).map(
      ([label, c]) =>
        `| ${label} | ${f(c.fitness, 4)} | ${f(c.parts.quality, 4)} | ${f(c.parts.efficiency, 4)} | ${f(c.testPerplexity, 2)} | ${SKILLS.map((skill) => `${f(c.skills?.[skill]?.loss, 3)} / ${f(100 * (c.skills?.[skill]?.accuracy ?? Number.NaN), 0)}%`).join(' | ')} |`,
    ),
    '',
    `Winner vs best source: fitness ${f(gains.fitnessGainPercent, 2)}%, quality part ${f(gains.qualityGainPercent, 2)}% (seed target: +20% fitness); the speed + memory part moved by ${f(gains.efficiencyDelta, 4)}.`,
    '',
  ];
}

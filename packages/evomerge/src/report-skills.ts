/**
 * The report's comparison against the best single source: best source, equal-weight average (the
 * uniform soup) and the search's winner, each on every skill's held-out test problems, with the
 * fitness split into its quality part and its efficiency (speed + memory) part.
 */
import { SKILLS } from '@agent-forge/core';
import type { CandidateSummary, FinalEvaluation } from './final-eval.js';

/** The winner against the best source, on the held-out mixed-skill test side (NaN without it) and on the search set. */
export interface SourceGains {
  /** 100 · (winner − best source) / best source, of the composite fitness on the held-out test side. */
  readonly fitnessGainPercent: number;
  /** The same, of the quality part alone (perplexity, accuracy). */
  readonly qualityGainPercent: number;
  /** Winner's efficiency part (speed, memory) minus the best source's on the test side, in fitness units. */
  readonly efficiencyDelta: number;
  /** 100 · (winner − best source) / best source, of the fitness the search maximised (search set). */
  readonly searchFitnessGainPercent: number;
}

const percent = (after: number, before: number): number => (100 * (after - before)) / before;

/** The winner's gains over the best source. */
export function gainsOverBestSource(final: FinalEvaluation): SourceGains {
  const { best, bestSource } = final;
  const [winner, source] = [best.test, bestSource.test];
  return {
    fitnessGainPercent: percent(winner?.fitness ?? Number.NaN, source?.fitness ?? Number.NaN),
    qualityGainPercent: percent(winner?.parts.quality ?? Number.NaN, source?.parts.quality ?? Number.NaN),
    efficiencyDelta: (winner?.parts.efficiency ?? Number.NaN) - (source?.parts.efficiency ?? Number.NaN),
    searchFitnessGainPercent: percent(best.fitness, bestSource.fitness),
  };
}

const compared = (final: FinalEvaluation): [string, CandidateSummary][] => [
  [`best source (${final.bestSource.label.replace(/^source /, '')})`, final.bestSource],
  ['equal-weight average', final.soup],
  ['winner', final.best],
];

/** Flat metrics: `<bestSource|average|winner>.<fitness|quality|efficiency>` (held-out test side), `.searchFitness`, per-skill loss and accuracy, and the gains. */
export function comparisonMetrics(final: FinalEvaluation): Record<string, number> {
  const metrics: Record<string, number> = { ...gainsOverBestSource(final) };
  const keys = ['bestSource', 'average', 'winner'];
  compared(final).forEach(([, candidate], index) => {
    const key = keys[index] as string;
    metrics[`${key}.searchFitness`] = candidate.fitness;
    metrics[`${key}.fitness`] = candidate.test?.fitness ?? Number.NaN;
    metrics[`${key}.quality`] = candidate.test?.parts.quality ?? Number.NaN;
    metrics[`${key}.efficiency`] = candidate.test?.parts.efficiency ?? Number.NaN;
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
    `| model | search fitness | held-out fitness | quality part | speed + memory part | test ppl | ${SKILLS.join(' | ')} |`,
    `|---|---:|---:|---:|---:|---:|${SKILLS.map(() => '---:').join('|')}|`,
    ...compared(final).map(
      ([label, c]) =>
        `| ${label} | ${f(c.fitness, 4)} | ${f(c.test?.fitness, 4)} | ${f(c.test?.parts.quality, 4)} | ${f(c.test?.parts.efficiency, 4)} | ${f(c.testPerplexity, 2)} | ${SKILLS.map((skill) => `${f(c.skills?.[skill]?.loss, 3)} / ${f(100 * (c.skills?.[skill]?.accuracy ?? Number.NaN), 0)}%`).join(' | ')} |`,
    ),
    '',
    `Held-out fitness: the composite fitness on the mixed-skill test set the search never saw, against the sources' figures there; its quality part (perplexity, accuracy) and speed + memory part are shown apart.`,
    `Winner vs best source, held out: fitness ${f(gains.fitnessGainPercent, 2)}%, quality part ${f(gains.qualityGainPercent, 2)}% (seed target: +20% fitness), speed + memory part ${f(gains.efficiencyDelta, 4)}; on the search set: ${f(gains.searchFitnessGainPercent, 2)}%.`,
    '',
  ];
}

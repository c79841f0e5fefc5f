/**
 * The evolution report. Gains are computed from the per-generation records, the same values the
 * tracker logged:
 *   gainPercent = 100 · (best fitness of the last generation − best of generation 0) / best of generation 0
 *   perplexityReductionPercent = 100 · (ppl₀ − ppl) / ppl₀, of those two genomes on the search subset
 *   testPerplexityReductionPercent: the same on the held-out test windows the search never saw.
 */
import type { GenerationRecord } from './evolve/state.js';
import type { CandidateSummary, FinalEvaluation } from './final-eval.js';
import { comparisonMetrics, comparisonSection } from './report-skills.js';

/** Everything the report and the phase metrics are computed from, gathered by the phase after the search. */
export interface EvolutionOutcome {
  /** One record per generation, generation 0 first (as logged to the tracker). */
  readonly history: readonly GenerationRecord[];
  /** The post-search comparison of best, initial best, uniform soup and sources. */
  readonly final: FinalEvaluation;
  /** Distinct genomes evaluated over the whole run (fitness-cache entries, sources included). */
  readonly evaluations: number;
  /** Generation the run resumed after; −1 for an uninterrupted run. */
  readonly resumedFrom: number;
  /** Wall time of the search in milliseconds (without loading and the final evaluation). */
  readonly searchMs: number;
  /** Human-readable origin of the merged model's titan settings, e.g. `source reasoning (the genome's base)`. */
  readonly titanFrom: string;
  /** Which search ran: the genetic algorithm or CMA-ES. */
  readonly search: 'ga' | 'cmaes';
}

/** The headline gain: last generation's best fitness vs generation 0's (see {@link gainFromHistory}). */
export interface Gains {
  /** Best composite fitness of generation 0 (usually the best source); NaN for an empty history. */
  readonly initialBestFitness: number;
  /** Best composite fitness of the last generation; never below the initial one (elitism). */
  readonly bestFitness: number;
  /** 100 · (bestFitness − initialBestFitness) / initialBestFitness; the seed plan's target is +20. */
  readonly gainPercent: number;
}

/** Gain of the last generation's best over generation 0's best, from the records. */
export function gainFromHistory(history: readonly Pick<GenerationRecord, 'bestFitness'>[]): Gains {
  const initialBestFitness = history[0]?.bestFitness ?? Number.NaN;
  const bestFitness = history.at(-1)?.bestFitness ?? Number.NaN;
  return {
    initialBestFitness,
    bestFitness,
    gainPercent: (100 * (bestFitness - initialBestFitness)) / initialBestFitness,
  };
}

const reduction = (before: number, after: number): number => (100 * (before - after)) / before;
const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Flat numeric metrics for `PhaseResult.metrics` (non-finite values left out). */
export function phaseMetrics(outcome: EvolutionOutcome): Record<string, number> {
  const { history, final } = outcome;
  const gains = gainFromHistory(history);
  const last = history.at(-1);
  const metrics: Record<string, number | undefined> = {
    ...gains,
    perplexityReductionPercent: reduction(final.initialBest.searchPerplexity, final.best.searchPerplexity),
    testPerplexityReductionPercent: reduction(final.initialBest.testPerplexity, final.best.testPerplexity),
    bestPerplexity: final.best.searchPerplexity,
    initialBestPerplexity: final.initialBest.searchPerplexity,
    bestTestPerplexity: final.best.testPerplexity,
    initialBestTestPerplexity: final.initialBest.testPerplexity,
    soupFitness: final.soup.fitness,
    soupTestPerplexity: final.soup.testPerplexity,
    bestSourceTestPerplexity: Math.min(...final.sources.map((s) => s.testPerplexity)),
    generations: history.length - 1,
    evaluations: outcome.evaluations,
    cacheHits: history.reduce((sum, r) => sum + r.cacheHits, 0),
    diversity: last?.diversity,
    meanDiversity: mean(history.map((r) => r.diversity)),
    minDiversity: Math.min(...history.map((r) => r.diversity)),
    weightDiversity: last?.weightDiversity,
    boostedGenerations: history.filter((r) => r.boosted).length,
    bestDepth: final.best.depth,
    msPerTokenBest: final.best.msPerToken,
    msPerTokenInitialBest: final.initialBest.msPerToken,
    greedyAccuracyBest: final.best.greedyAccuracy,
    greedyAccuracyInitialBest: final.initialBest.greedyAccuracy,
    resumedFromGeneration: outcome.resumedFrom,
    searchSeconds: outcome.searchMs / 1000,
    ...comparisonMetrics(final),
  };
  return Object.fromEntries(
    Object.entries(metrics).filter(
      (entry): entry is [string, number] => entry[1] !== undefined && Number.isFinite(entry[1]),
    ),
  );
}

const f4 = (value: number): string => value.toFixed(4);
const f2 = (value: number | undefined, suffix = ''): string =>
  value === undefined ? 'not measured' : `${value.toFixed(2)}${suffix}`;

function candidateRow(c: CandidateSummary): string {
  const accuracy = c.greedyAccuracy === undefined ? 'not measured' : `${(c.greedyAccuracy * 100).toFixed(0)}%`;
  return `| ${c.label} | ${c.genome.method} | ${f4(c.fitness)} | ${f2(c.searchPerplexity)} | ${f2(c.testPerplexity)} | ${c.depth} | ${f2(c.msPerToken, ' ms')} | ${accuracy} |`;
}

function historyTable(history: readonly GenerationRecord[]): string[] {
  return [
    '| generation | best fitness | mean fitness | diversity | weight diversity | best method | evaluations | cache hits | boosted |',
    '|---:|---:|---:|---:|---:|---|---:|---:|---|',
    ...history.map(
      (r) =>
        `| ${r.generation} | ${f4(r.bestFitness)} | ${f4(r.meanFitness)} | ${r.diversity.toFixed(3)} | ${r.weightDiversity.toFixed(3)} | ${r.bestMethod} | ${r.evaluations} | ${r.cacheHits} | ${r.boosted ? `yes (+${r.immigrants} immigrants)` : ''} |`,
    ),
  ];
}

/** The phase's `report.md` (Markdown): headline gain, perplexities, a comparison table of the candidates, per-generation history, the winning genome. */
export function phaseReport(outcome: EvolutionOutcome): string {
  const { history, final } = outcome;
  const gains = gainFromHistory(history);
  const metrics = phaseMetrics(outcome);
  return [
    '# evomerge (evolutionary merge search)',
    '',
    `Search: **${outcome.search === 'ga' ? 'genetic algorithm' : 'CMA-ES'}**. Winner: **${final.best.genome.method}** (titan settings from ${outcome.titanFrom}).`,
    `Best fitness ${f4(gains.bestFitness)} vs the initial population's best ${f4(gains.initialBestFitness)}: **gain ${gains.gainPercent.toFixed(2)}%** (target of the seed plan: +20%).`,
    `Perplexity on the search subset: ${f2(final.initialBest.searchPerplexity)} → ${f2(final.best.searchPerplexity)} (${f2(metrics.perplexityReductionPercent, '%')} lower); on held-out test windows: ${f2(final.initialBest.testPerplexity)} → ${f2(final.best.testPerplexity)} (${f2(metrics.testPerplexityReductionPercent, '%')} lower).`,
    `Search: ${history.length - 1} generations, ${outcome.evaluations} fitness evaluations, ${metrics.cacheHits} cache hits, ${(outcome.searchMs / 1000).toFixed(1)} s${outcome.resumedFrom >= 0 ? `, resumed after generation ${outcome.resumedFrom}` : ''}.`,
    `Diversity (genome, normalised): final ${f2(metrics.diversity)}, mean ${f2(metrics.meanDiversity)}, min ${f2(metrics.minDiversity)}; ${metrics.boostedGenerations} generations bred with raised mutation and immigrants.`,
    '',
    '| model | method | fitness | search ppl | test ppl | depth | ms/token | greedy accuracy |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...[final.best, final.initialBest, final.soup, ...final.sources].map(candidateRow),
    '',
    'ms/token is one timed greedy decode on this machine (a report figure; the fitness uses the deterministic cost depth × ACT steps).',
    '',
    ...comparisonSection(final),
    '## Per generation',
    '',
    ...historyTable(history),
    '',
    '## Best recipe',
    '',
    '```json',
    JSON.stringify(final.best.genome),
    '```',
    '',
  ].join('\n');
}

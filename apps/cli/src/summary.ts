/**
 * The table `forge run` prints at the end: one row per phase with time, params, bytes, perplexity
 * and accuracy, read from each phase's result. Phases name their metrics in their own words
 * (`perplexityAfter`, `bestPerplexity`…), so the column takes the plain name when present, else the
 * figure that describes the phase's output model (after/final/best), else any match.
 */
import type { PhaseResult, PipelineState } from '@agent-forge/core';
import { textTable } from './text-table.js';

const OUTPUT_HINT = /(after|final|best|output|trained|baked|compressed|grokfast)/i;

/** The metric for `word` that describes the phase's output, or undefined. */
export function pickMetric(metrics: Record<string, number>, word: string): number | undefined {
  if (metrics[word] !== undefined) return metrics[word];
  const matching = Object.keys(metrics).filter(
    (key) => key.toLowerCase().includes(word) && !/(degradation|delta|gain|ratio|pct)/i.test(key),
  );
  const preferred = matching.find((key) => OUTPUT_HINT.test(key)) ?? matching[0];
  return preferred === undefined ? undefined : metrics[preferred];
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}

const show = (value: number | undefined, digits: number): string => (value === undefined ? '—' : value.toFixed(digits));

function rowFor(name: string, result: PhaseResult | undefined, status: string): string[] {
  if (!result) return [name, status, '—', '—', '—', '—', '—'];
  const main = result.models[0];
  return [
    name,
    status,
    `${(result.durationMs / 1000).toFixed(1)} s`,
    main ? main.params.toLocaleString('en-US') : '—',
    main ? formatBytes(main.bytes) : '—',
    show(pickMetric(result.metrics, 'perplexity'), 2),
    show(pickMetric(result.metrics, 'accuracy'), 3),
  ];
}

/** Plain-text table with aligned columns (no colours, so it reads the same in logs). */
export function summaryTable(state: PipelineState): string[] {
  const header = ['phase', 'status', 'time', 'params', 'bytes', 'perplexity', 'accuracy'];
  const rows = state.phases.map((phase) => rowFor(phase.name, phase.result, phase.status));
  return textTable(header, rows);
}

/** The compression phase's metrics and its human-readable report. */
import type { BudgetOutcome } from './budget.js';
import type { TensorPlan } from './candidates.js';
import type { Quality } from '@agent-forge/core';
import type { MethodOutcome } from './phase-steps.js';

export interface PhaseOutcome {
  readonly before: Quality;
  readonly after: Quality;
  readonly budget: BudgetOutcome;
  readonly plans: readonly TensorPlan[];
  readonly methods: readonly MethodOutcome[];
  /** Bytes of the compressed file on disk and of the input's weights file (packed for BitNet). */
  readonly fileBytes: number;
  readonly inputBytes: number;
  /** Bytes of the adapters copied from a baked input (0 without), and of the whole output directory. */
  readonly adapterBytes: number;
  readonly modelBytes: number;
  /** A baked input's personas (all kept in the output) and the one active while measuring, or null. */
  readonly personas: readonly string[];
  readonly persona: string | null;
  readonly params: number;
  readonly maxLossIncrease: number;
}

/** Per chosen label: weights, stored bytes and tensors. */
export function chosenByLabel(
  plans: readonly TensorPlan[],
): Map<string, { weights: number; bytes: number; tensors: number }> {
  const out = new Map<string, { weights: number; bytes: number; tensors: number }>();
  for (const plan of plans) {
    const candidate = plan.ladder[plan.chosen];
    if (!candidate) continue;
    const entry = out.get(candidate.label) ?? { weights: 0, bytes: 0, tensors: 0 };
    entry.weights += plan.shape.reduce((a, b) => a * b, 1);
    entry.bytes += candidate.bytes;
    entry.tensors += 1;
    out.set(candidate.label, entry);
  }
  return out;
}

const key = (label: string): string =>
  label.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase());

/** Flat numeric metrics for `PhaseResult.metrics`; undefined values are left out. */
export function phaseMetrics(outcome: PhaseOutcome): Record<string, number | undefined> {
  const { before, after } = outcome;
  const metrics: Record<string, number | undefined> = {
    params: outcome.params,
    bytes: outcome.fileBytes,
    inputBytes: outcome.inputBytes,
    adapterBytes: outcome.adapterBytes,
    modelBytes: outcome.modelBytes,
    ratioVsInput: outcome.inputBytes / outcome.fileBytes,
    bitsPerWeight: (8 * outcome.fileBytes) / outcome.params,
    heldOutLossBefore: before.loss,
    heldOutLossAfter: after.loss,
    perplexityBefore: before.perplexity,
    perplexityAfter: after.perplexity,
    perplexityIncreasePct: ((after.perplexity - before.perplexity) / before.perplexity) * 100,
    accuracyBefore: before.accuracy,
    accuracyAfter: after.accuracy,
    budgetLossBaseline: outcome.budget.baselineLoss,
    budgetLossFinal: outcome.budget.finalLoss,
    budgetEvaluations: outcome.budget.evaluations,
  };
  for (const [label, chosen] of chosenByLabel(outcome.plans)) {
    metrics[`chosen.${key(label)}.weights`] = chosen.weights;
    metrics[`chosen.${key(label)}.bitsPerWeight`] = (8 * chosen.bytes) / chosen.weights;
  }
  for (const method of outcome.methods) {
    const prefix = `method.${key(method.label)}`;
    metrics[`${prefix}.bitsPerWeight`] = method.bitsPerWeight;
    metrics[`${prefix}.bytes`] = method.bytes;
    metrics[`${prefix}.coverage`] = method.coverage;
    metrics[`${prefix}.relativeError`] = method.relativeError;
    metrics[`${prefix}.heldOutLoss`] = method.quality?.loss;
    metrics[`${prefix}.accuracy`] = method.quality?.accuracy;
    metrics[`${prefix}.encodeMs`] = method.encodeMs;
  }
  return metrics;
}

const pct = (value: number | undefined): string =>
  value === undefined ? 'not measured' : `${(value * 100).toFixed(1)}%`;
const fixed = (value: number | undefined, digits = 3): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

function methodTable(methods: readonly MethodOutcome[]): string[] {
  return [
    '| candidate | tensors | coverage | bits/weight | bytes | rel. error | held-out loss | accuracy | encode ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...methods.map(
      (m) =>
        `| ${m.label} | ${m.tensors} | ${pct(m.coverage)} | ${fixed(m.bitsPerWeight, 2)} | ${m.bytes} | ${fixed(m.relativeError, 4)} | ${fixed(m.quality?.loss, 4)} | ${pct(m.quality?.accuracy)} | ${fixed(m.encodeMs, 0)} |`,
    ),
  ];
}

/** Which model the figures below are of: a baked input's persona, as the after-run effects measure it. */
function measuredWith(outcome: PhaseOutcome): string {
  if (outcome.persona === null) return 'Measured as the model itself (the input has no persona adapters).';
  return `Measured with persona \`${outcome.persona}\` active (the baked input's first persona, as the after-run effects measure a baked model), input and output alike; the output keeps every adapter: ${outcome.personas.join(', ')}.`;
}

/** Markdown report: the final model, what each layer got, and each method on its own. */
export function phaseReport(outcome: PhaseOutcome): string {
  const { before, after, budget } = outcome;
  const chosen = [...chosenByLabel(outcome.plans)].map(
    ([label, c]) => `| ${label} | ${c.tensors} | ${c.weights} | ${c.bytes} | ${fixed((8 * c.bytes) / c.weights, 2)} |`,
  );
  return [
    '# compression (SeedLM, VPTQ, hyper-compression)',
    '',
    `Compressed file: ${outcome.fileBytes} B on disk (header included) for ${outcome.params} weights = ${fixed((8 * outcome.fileBytes) / outcome.params, 2)} bits/weight; input weights file ${outcome.inputBytes} B → ${fixed(outcome.inputBytes / outcome.fileBytes, 2)}× smaller. Decoded to float32 at load time.`,
    '',
    `Whole model directory: ${outcome.modelBytes} B on disk${outcome.adapterBytes > 0 ? `, of which ${outcome.adapterBytes} B are the persona adapters copied as they are (F32 LoRA factors)` : ''}.`,
    '',
    measuredWith(outcome),
    '',
    '| | held-out loss | perplexity | answer accuracy |',
    '|---|---|---|---|',
    `| input | ${fixed(before.loss, 4)} | ${fixed(before.perplexity)} | ${pct(before.accuracy)} |`,
    `| compressed (loaded from the file) | ${fixed(after.loss, 4)} | ${fixed(after.perplexity)} | ${pct(after.accuracy)} |`,
    '',
    `Budget: loss on ${budget.groups.length} layer groups checked against baseline ${fixed(budget.baselineLoss, 4)} × (1 + ${outcome.maxLossIncrease}); final ${fixed(budget.finalLoss, 4)} after ${budget.evaluations} evaluations.`,
    '',
    '| group | tensors | loss | allowed | step-ups |',
    '|---|---|---|---|---|',
    ...budget.groups.map(
      (g) => `| ${g.group} | ${g.tensors} | ${fixed(g.loss, 4)} | ${fixed(g.allowedLoss, 4)} | ${g.stepUps} |`,
    ),
    '',
    '## Chosen storage',
    '',
    '| candidate | tensors | weights | bytes | bits/weight |',
    '|---|---|---|---|---|',
    ...chosen,
    '',
    '## Each candidate on its own',
    '',
    'Every tensor the candidate can encode stored that way (whatever its error), the rest as in the input. Bits/weight counts the stored arrays (codebooks, scales, seeds included).',
    '',
    ...methodTable(outcome.methods),
    '',
  ].join('\n');
}

/**
 * The effects table `forge run` prints after the summary: one row per phase model, perplexity and
 * accuracy per difficulty (with / without the calculator), and the change from the phase's input; then,
 * with a control, the final model against it, one measure (and unit) per line.
 */
import path from 'node:path';
import { textTable } from '../text-table.js';
import { CONTROL_PHASE, finalAndControl, type FinalVsControl } from './comparison.js';
import type { ModelRow, PipelineEffects } from './pipeline-effects.js';

const percent = (value: number): string => `${Math.round(100 * value)}%`;

function accuracyCells(row: ModelRow): string[] {
  return row.effect.levels.map((level) => `${percent(level.withCalculator)} / ${percent(level.withoutCalculator)}`);
}

function deltaCell(row: ModelRow, input: ModelRow | undefined): string {
  if (!input) return '—';
  const delta = row.effect.loss - input.effect.loss;
  return `${delta >= 0 ? '+' : ''}${delta.toFixed(3)}`;
}

const levelText = (row: ModelRow, calculator: boolean): string =>
  row.effect.levels
    .map((level) => `d${level.difficulty} ${percent(calculator ? level.withCalculator : level.withoutCalculator)}`)
    .join(' ');

function gsm8kLines(comparison: FinalVsControl | undefined): string[] {
  const scored = comparison?.gsm8k;
  const final = comparison?.final.gsm8k;
  const control = comparison?.control.gsm8k;
  if (!scored || !final || !control)
    return ['  GSM8K test accuracy: not measured (set effects.gsm8k.file to the GSM8K test split)'];
  const where = `${scored.problems} problems of ${path.basename(scored.file)}`;
  return [
    `  GSM8K test accuracy with the calculator (${where}): ${percent(final.withCalculator)} vs ${percent(control.withCalculator)}`,
    `  GSM8K test accuracy without the calculator: ${percent(final.withoutCalculator)} vs ${percent(control.withoutCalculator)}`,
  ];
}

function decodeLine(comparison: FinalVsControl | undefined): string[] {
  if (!comparison) return [];
  const { final, control } = comparison;
  const how = `KV-cached greedy, median step; ${final.decode.kind} vs ${control.decode.kind}`;
  return [
    `  decode ms/token (${how}): ${final.decode.msPerToken.toFixed(2)} vs ${control.decode.msPerToken.toFixed(2)}`,
  ];
}

/** "final model vs control" lines, one unit per line, when the rows hold a control. */
function controlComparison(effects: PipelineEffects): string[] {
  const pair = finalAndControl(effects.rows);
  if (!pair) return [];
  const { final, control } = pair;
  const persona = final.effect.persona === null ? '' : `, persona ${final.effect.persona}`;
  const comparison = effects.finalVsControl;
  return [
    '',
    `final model (${final.phase}${persona}) vs equal-compute control:`,
    `  held-out loss, nats/token: ${final.effect.loss.toFixed(4)} vs ${control.effect.loss.toFixed(4)} (${deltaCell(final, control)})`,
    `  held-out perplexity: ${final.effect.perplexity.toFixed(2)} vs ${control.effect.perplexity.toFixed(2)}`,
    `  built-in accuracy with the calculator: ${levelText(final, true)} vs ${levelText(control, true)}`,
    `  built-in accuracy without the calculator: ${levelText(final, false)} vs ${levelText(control, false)}`,
    ...gsm8kLines(comparison),
    `  bytes on disk: ${final.bytes} vs ${control.bytes} (${(control.bytes / Math.max(1, final.bytes)).toFixed(2)}× smaller)`,
    ...decodeLine(comparison),
  ];
}

/** Plain-text lines: model rows in pipeline order; `Δ loss` is against the previous phase's main model. */
export function effectsTable(effects: PipelineEffects): string[] {
  const levels = Object.entries(effects.heldOut.problems).map(([name, count]) => `${name} (${count}) calc/none`);
  const header = ['phase', 'model', 'loss', 'Δ loss vs input', 'perplexity', ...levels];
  let input: ModelRow | undefined;
  let currentInput: ModelRow | undefined;
  let phase = '';
  const rows: string[][] = [];
  for (const row of effects.rows) {
    if (row.phase !== phase) {
      // A new phase: its input is the previous phase's main model.
      input = currentInput;
      phase = row.phase;
    }
    // The control is no phase's output: it is compared with the final model below the table.
    const against = row.phase === CONTROL_PHASE ? undefined : input;
    const cells = [row.phase, row.role, row.effect.loss.toFixed(4), deltaCell(row, against)];
    rows.push([...cells, row.effect.perplexity.toFixed(2), ...accuracyCells(row)]);
    if (row.main) currentInput = row;
  }
  const comparison = controlComparison(effects);
  const caption = `Every model on the same held-out items: ${effects.heldOut.windows} validation windows, accuracy with / without the calculator.`;
  return [caption, ...textTable(header, rows), ...comparison];
}

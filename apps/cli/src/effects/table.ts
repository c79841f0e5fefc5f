/**
 * The effects table `forge run` prints after the summary: one row per phase model, perplexity and
 * accuracy per difficulty (with / without the calculator), and the change from the phase's input.
 */
import { textTable } from '../text-table.js';
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

/** The phase column of the equal-compute control's row. */
export const CONTROL_PHASE = 'control';

const levelText = (row: ModelRow): string =>
  row.effect.levels.map((level) => `d${level.difficulty} ${percent(level.withCalculator)}`).join(' ');

/** "final model vs control" lines, when the rows hold a control; the final model is the last phase's main model. */
function controlComparison(rows: readonly ModelRow[]): string[] {
  const control = rows.find((row) => row.phase === CONTROL_PHASE);
  const final = rows.filter((row) => row.main && row.phase !== CONTROL_PHASE).at(-1);
  if (!control || !final) return [];
  return [
    '',
    `final model (${final.phase}) vs equal-compute control:`,
    `  loss ${final.effect.loss.toFixed(4)} vs ${control.effect.loss.toFixed(4)} (${deltaCell(final, control)})`,
    `  accuracy with the calculator: ${levelText(final)} vs ${levelText(control)}`,
    `  bytes on disk ${final.bytes} vs ${control.bytes} (${(control.bytes / Math.max(1, final.bytes)).toFixed(2)}× smaller)`,
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
  const comparison = controlComparison(effects.rows);
  const caption = `Every model on the same held-out items: ${effects.heldOut.windows} validation windows, accuracy with / without the calculator.`;
  return [caption, ...textTable(header, rows), ...comparison];
}

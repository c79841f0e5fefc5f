/**
 * After `forge run`: every phase's models measured on one held-out set, written to
 * `<runDir>/effects.json`. Phase N's input is phase N−1's main model, so each phase's effect is the
 * difference between two rows measured on the same items.
 */
import path from 'node:path';
import { ForgeError, writeJsonAtomic } from '@agent-forge/core';
import type { Phase, PipelineState, ProgressReporter } from '@agent-forge/core';
import { loadEdgeModel } from '../load-model.js';
import { finalAndControl, measureFinalVsControl, type FinalVsControl } from './comparison.js';
import { buildEffectHeldOut, type EffectHeldOut } from './held-out.js';
import { measureModelDir, type ModelEffect } from './measure.js';
import type { EffectSettings } from './settings.js';

/** The file `forge run` writes the effects to, in the run directory. */
export const EFFECTS_FILE = 'effects.json';

/** One model of one phase, measured. */
export interface ModelRow {
  /** Phase that produced it. */
  readonly phase: string;
  /** Its role in that phase's result (`merged`, `ternary`, a cognate variant…). */
  readonly role: string;
  /** Its directory. */
  readonly dir: string;
  /** Parameters. */
  readonly params: number;
  /** Bytes on disk. */
  readonly bytes: number;
  /** Whether it is the phase's main model (the next phase's input). */
  readonly main: boolean;
  /** The figures. */
  readonly effect: ModelEffect;
}

/** A model measured after the phases' own, e.g. the equal-compute control. */
export interface ExtraModel {
  /** The row's phase column, e.g. `control`. */
  readonly phase: string;
  /** Its role. */
  readonly role: string;
  /** Its directory. */
  readonly dir: string;
  /** Parameters. */
  readonly params: number;
  /** Bytes on disk. */
  readonly bytes: number;
}

/** What `effects.json` holds. */
export interface PipelineEffects {
  /** Items per difficulty and windows, the same for every row. */
  readonly heldOut: { readonly windows: number; readonly problems: Record<string, number> };
  /** Every phase's models, in pipeline order. */
  readonly rows: readonly ModelRow[];
  /** The final model against the equal-compute control (GSM8K, decode ms/token); absent without a control. */
  readonly finalVsControl?: FinalVsControl;
}

async function heldOutFor(
  state: PipelineState,
  phases: readonly Phase[],
  settings: EffectSettings,
  firstDir: string,
): Promise<EffectHeldOut> {
  const first = await loadEdgeModel(firstDir, { float: true });
  try {
    return await buildEffectHeldOut(state, phases, settings, first.tokenizer, first.model.config.contextLength);
  } finally {
    first.dispose();
  }
}

/** Measure every finished phase's models of `state`'s run and write `effects.json` into `runDir`. */
export async function measurePipelineEffects(
  runDir: string,
  state: PipelineState,
  phases: readonly Phase[],
  settings: EffectSettings,
  progress: ProgressReporter,
  extra: readonly ExtraModel[] = [],
): Promise<PipelineEffects> {
  // `forge phase --input` and sliced runs: the given input's main model is the first phase's input row.
  const given = state.input ? [{ name: 'input', result: { models: state.input.models.slice(0, 1) } }] : [];
  const done = state.phases.filter((phase) => phase.status === 'done' && phase.result);
  const finished = [
    ...given,
    ...done,
    ...extra.map(({ phase, ...model }) => ({ name: phase, result: { models: [model] } })),
  ];
  const firstDir = finished[0]?.result?.models[0]?.dir;
  if (firstDir === undefined) throw new ForgeError(`run ${state.runId} has no finished phase with a model to measure`);
  const heldOut = await heldOutFor(state, phases, settings, firstDir);
  const rows: ModelRow[] = [];
  const total = finished.reduce((sum, phase) => sum + (phase.result?.models.length ?? 0), 0);
  const task = progress.start('effects: every phase model on the same held-out items', total);
  try {
    for (const phase of finished) {
      for (const [index, model] of (phase.result?.models ?? []).entries()) {
        const effect = await measureModelDir(model.dir, heldOut);
        rows.push({ phase: phase.name, ...model, main: index === 0, effect });
        task.tick(1);
      }
    }
  } finally {
    task.done();
  }
  const pair = finalAndControl(rows);
  const effects: PipelineEffects = {
    heldOut: {
      windows: heldOut.windows.rows,
      problems: Object.fromEntries(heldOut.levels.map((level) => [`d${level.difficulty}`, level.problems.length])),
    },
    rows,
    ...(pair ? { finalVsControl: await measureFinalVsControl(pair, settings, state.seed, progress) } : {}),
  };
  await writeJsonAtomic(path.join(runDir, EFFECTS_FILE), effects);
  return effects;
}

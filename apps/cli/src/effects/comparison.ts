/**
 * The last block of the effects: the pipeline's final model against the equal-compute control on what only
 * these two are measured on, being slow or machine-dependent — GSM8K test-split accuracy with and without
 * the calculator, and decode ms/token timed as the edge phase times it (KV-cached greedy steps).
 */
import { greedyCompleter, loadGsm8k } from '@agent-forge/core';
import type { Completer, Problem, ProgressReporter } from '@agent-forge/core';
import { benchmarkPrompt, measureLatency } from '@agent-forge/edge';
import type { EdgeModel } from '@agent-forge/edge';
import { loadEdgeModel, type LoadModelOptions } from '../load-model.js';
import { calculatorAccuracy, type CalculatorAccuracy } from './measure.js';
import type { ModelRow } from './pipeline-effects.js';
import type { DecodeEffectSettings, EffectSettings, Gsm8kEffectSettings } from './settings.js';

/** The phase column of the equal-compute control's row. */
export const CONTROL_PHASE = 'control';

/** The control's row and the final model's (the last phase's main model), when the rows hold a control. */
export function finalAndControl(
  rows: readonly ModelRow[],
): { readonly final: ModelRow; readonly control: ModelRow } | undefined {
  const control = rows.find((row) => row.phase === CONTROL_PHASE);
  const final = rows.filter((row) => row.main && row.phase !== CONTROL_PHASE).at(-1);
  return control && final ? { final, control } : undefined;
}

/** The GSM8K problems both models answer: the file's first `problems`. */
export interface Gsm8kItems {
  /** The file they were read from. */
  readonly file: string;
  /** The problems, in file order. */
  readonly problems: readonly Problem[];
}

/** Reads the GSM8K file `settings` names (a bad line is an error naming the file and line). */
export async function readGsm8kItems(settings: Gsm8kEffectSettings): Promise<Gsm8kItems> {
  return { file: settings.file, problems: (await loadGsm8k(settings.file)).slice(0, settings.problems) };
}

/** Decode speed of one model as `forge chat` loads it; a figure for reports, never for a test assertion. */
export interface DecodeSpeed {
  /** How it was loaded (`packed-ternary`, `float`, `baked`). */
  readonly kind: string;
  /** Prompt length of the timed runs, tokens. */
  readonly promptTokens: number;
  /** Tokens generated per timed run. */
  readonly generatedTokens: number;
  /** Median of one KV-cached one-token step over every timed run, ms. */
  readonly msPerToken: number;
}

/** One of the two models, on the comparison's own measures. */
export interface ComparedModel {
  /** Its row's phase (`control` for the control). */
  readonly phase: string;
  /** Its directory. */
  readonly dir: string;
  /** Persona active while measuring (as in its effects row), or null. */
  readonly persona: string | null;
  /** GSM8K test-split accuracy, with each problem's outcome; null when no file was given. */
  readonly gsm8k: CalculatorAccuracy | null;
  /** Decode speed. */
  readonly decode: DecodeSpeed;
}

/** What `effects.json` holds under `finalVsControl`. */
export interface FinalVsControl {
  /** The GSM8K file and how many of its problems were scored; null when none was given. */
  readonly gsm8k: { readonly file: string; readonly problems: number; readonly maxNewTokens: number } | null;
  /** How decode speed was timed. */
  readonly decode: DecodeEffectSettings;
  /** The pipeline's final model. */
  readonly final: ComparedModel;
  /** The equal-compute control. */
  readonly control: ComparedModel;
}

async function withModel<T>(
  dir: string,
  options: LoadModelOptions,
  persona: string | null,
  use: (edge: EdgeModel) => Promise<T>,
): Promise<T> {
  const edge = await loadEdgeModel(dir, persona === null ? options : { ...options, persona });
  try {
    return await use(edge);
  } finally {
    edge.dispose();
  }
}

/** GSM8K accuracy with the model loaded as the effects rows load it (ternary layers dequantized). */
function gsm8kAccuracy(row: ModelRow, items: Gsm8kItems, maxNewTokens: number): Promise<CalculatorAccuracy> {
  return withModel(row.dir, { float: true }, row.effect.persona, (edge) => {
    const completerFor = (calculator: boolean): Completer =>
      greedyCompleter(edge.model, edge.tokenizer, maxNewTokens, { calculator });
    return calculatorAccuracy(items.problems, completerFor);
  });
}

/** Decode ms/token with the model loaded as `forge chat` loads it, timed as the edge phase times it. */
function decodeSpeed(row: ModelRow, settings: DecodeEffectSettings, seed: number): Promise<DecodeSpeed> {
  return withModel(row.dir, {}, row.effect.persona, async (edge) => {
    const length = Math.min(settings.promptTokens, edge.model.config.contextLength - 1);
    const latency = await measureLatency(edge.model, benchmarkPrompt(edge.tokenizer, length, seed), settings);
    const { promptTokens, generatedTokens, msPerTokenP50 } = latency;
    return { kind: edge.kind, promptTokens, generatedTokens, msPerToken: msPerTokenP50 };
  });
}

/** Measures the final model and the control on GSM8K (when a file is given) and for decode speed. */
export async function measureFinalVsControl(
  pair: { readonly final: ModelRow; readonly control: ModelRow },
  settings: EffectSettings,
  seed: number,
  progress: ProgressReporter,
): Promise<FinalVsControl> {
  const gsm8k = settings.gsm8k;
  const items = gsm8k === undefined ? null : await readGsm8kItems(gsm8k);
  const task = progress.start('effects: final model vs control (GSM8K, decode ms/token)', 4);
  const measure = async (row: ModelRow): Promise<ComparedModel> => {
    const accuracy = items === null || gsm8k === undefined ? null : await gsm8kAccuracy(row, items, gsm8k.maxNewTokens);
    task.tick();
    const decode = await decodeSpeed(row, settings.decode, seed);
    task.tick();
    return { phase: row.phase, dir: row.dir, persona: row.effect.persona, gsm8k: accuracy, decode };
  };
  try {
    const final = await measure(pair.final);
    const control = await measure(pair.control);
    const scored = items === null || gsm8k === undefined ? null : { ...gsm8k, problems: items.problems.length };
    return { gsm8k: scored, decode: settings.decode, final, control };
  } finally {
    task.done();
  }
}

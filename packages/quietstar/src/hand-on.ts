/**
 * Saving the model the phase hands on (see keep.ts): the trained thinker as it is, or the input / the plain
 * fine-tune with a fresh `linear` mixing head, whose w is exactly 0, so the saved checkpoint loads as a
 * thinker like any quietstar output but predicts as that plain model with or without thoughts.
 */
import { ForgeError, loadModelCheckpoint, parseConfig } from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import { saveThinker } from './checkpoint.js';
import type { HandedOn } from './keep.js';
import type { QuietStarPhaseConfig } from './phase-config.js';
import { QuietStarSettingsSchema } from './settings.js';
import { Thinker } from './thinker.js';

/** What `saveHandedOn` may save: the trained thinker, where the input lives, the control model if trained. */
export interface HandOnCandidates {
  /** The trained thinker. */
  readonly thinker: Thinker;
  /** The input's tokenizer, saved with whichever model. */
  readonly tokenizer: BpeTokenizer;
  /** The input's checkpoint extensions, kept. */
  readonly extensions: Record<string, unknown>;
  /** The phase settings (the saved thought settings, with `mixWeight: 'linear'` for a plain model). */
  readonly config: QuietStarPhaseConfig;
  /** The input checkpoint, reloaded when the input is handed on. */
  readonly inputDir: string;
  /** The plain fine-tune control, when it was trained (the caller disposes it). */
  readonly control?: TinyTitan;
  /** Seed of the fresh mixing head's first layer. */
  readonly seed: number;
}

/** Saves `choice` into `dir` as a quietstar checkpoint (LM + sidecar). */
export async function saveHandedOn(choice: HandedOn, dir: string, from: HandOnCandidates): Promise<void> {
  const { tokenizer, extensions } = from;
  if (choice === 'trained') return saveThinker(dir, { thinker: from.thinker, tokenizer, extensions });
  if (choice === 'control' && !from.control)
    throw new ForgeError('the plain fine-tune control was not trained', { field: 'fineTuneControl' });
  const model = choice === 'control' ? (from.control as TinyTitan) : (await loadModelCheckpoint(from.inputDir)).model;
  const settings = parseConfig(
    QuietStarSettingsSchema,
    { ...from.config, mixWeight: 'linear' },
    {
      prefix: 'phases.quietstar',
    },
  );
  const plain = new Thinker(model, settings, {}, from.seed);
  try {
    await saveThinker(dir, { thinker: plain, tokenizer, extensions });
  } finally {
    plain.dispose();
    if (choice === 'input') model.dispose();
  }
}

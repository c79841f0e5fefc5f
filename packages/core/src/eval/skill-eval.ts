/**
 * Per-skill held-out measurement: a skill's problems as perplexity windows and teacher-forced answer
 * probes, and a model's loss and answer accuracy on them. Cognate's 3×3 table (model × skill) and
 * evomerge's per-skill comparison both read these two numbers.
 */
import { formatProblem } from '../data/format.js';
import type { Problem } from '../data/problem.js';
import type { TokenWindows } from '../data/token-windows.js';
import { SPECIAL_IDS } from '../data/tokenizer/index.js';
import type { TinyTitan } from '../model/model.js';
import { answerProbes, teacherForcedAccuracy, type AnswerProbes } from './answer-probes.js';
import { perplexity } from './perplexity.js';
import { heldOutWindows } from './windows.js';

/** One skill's held-out problems, tokenized for loss and for teacher-forced accuracy. */
export interface SkillHeldOut {
  /** The problems' training text packed into windows `[rows, context + 1]`. */
  readonly windows: TokenWindows;
  /** The same problems as answer probes (one per row). */
  readonly probes: AnswerProbes;
}

/** A model's loss and teacher-forced accuracy on one skill's held-out problems. */
export interface SkillScore {
  /** Mean next-token loss over the windows, nats per token. */
  readonly loss: number;
  /** Share of probes whose every answer token is the argmax prediction, ∈ [0, 1]. */
  readonly accuracy: number;
}

/** Tokenizes `problems` into at most `maxWindows` windows and their answer probes. */
export function skillHeldOut(
  problems: readonly Problem[],
  tokenizer: { encode(text: string): number[] },
  contextLength: number,
  maxWindows: number,
): SkillHeldOut {
  const documents = problems.map((problem) => Int32Array.from(tokenizer.encode(formatProblem(problem).text)));
  return {
    windows: heldOutWindows(documents, contextLength, SPECIAL_IDS.eos, maxWindows),
    probes: answerProbes(problems, tokenizer, contextLength),
  };
}

/** Loss (NaN without windows) and teacher-forced accuracy of `model` on one skill's held-out set. */
export function skillScore(model: TinyTitan, heldOut: SkillHeldOut): SkillScore {
  const loss = heldOut.windows.rows > 0 ? perplexity(model, heldOut.windows).loss : Number.NaN;
  return { loss, accuracy: teacherForcedAccuracy(model, heldOut.probes) };
}

import { ForgeError } from '../errors.js';
import type { PhaseModel, PhaseName, PhaseResult } from './types.js';

/** How a phase chooses its input among the models of the previous phase's result. */
export interface InputModelChoice {
  /** The phase that chooses; named in the errors. */
  readonly phase: PhaseName;
  /** Roles preferred as the input, best first; when none is listed, the first model is taken. */
  readonly roles: readonly string[];
  /** What to run before this phase, for the errors, e.g. `cognate/evomerge`. */
  readonly after: string;
}

/**
 * The model of `input` a phase works on: the first listed with the best preferred role, else the first
 * model. Throws a ForgeError naming `input` when there is no previous result, or `input.models` when it
 * lists no model.
 */
export function pickInputModel(input: PhaseResult | null, choice: InputModelChoice): PhaseModel {
  const hint = `run after ${choice.after} or pass --input`;
  if (input === null) throw new ForgeError(`${choice.phase} needs a model: ${hint}`, { field: 'input' });
  for (const role of choice.roles) {
    const match = input.models.find((model) => model.role === role);
    if (match) return match;
  }
  const first = input.models[0];
  if (!first)
    throw new ForgeError(`${choice.phase} needs a model, but the ${input.phase} result lists none: ${hint}`, {
      field: 'input.models',
    });
  return first;
}

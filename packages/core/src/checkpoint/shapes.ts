import { ForgeError } from '../errors.js';
import { formatShape, sameShape, type WeightMap } from '../tensors/dtype.js';

/** Options of `checkTensorShapes`. */
export interface ShapeCheckOptions {
  /** Accept tensors the expected shapes do not mention (e.g. optimizer state saved alongside). */
  readonly allowExtraTensors?: boolean;
  /** Names the file the weights came from in the error. */
  readonly file?: string;
}

/** Most problems listed in one error; beyond this a count is enough to see the file is wrong. */
const MAX_LISTED_PROBLEMS = 10;

/**
 * Check that `weights` holds exactly the tensors `expected` names, each with its expected shape.
 * Every problem is collected, so one error shows all that is missing, unexpected or misshapen.
 */
export function checkTensorShapes(
  weights: WeightMap,
  expected: Readonly<Record<string, readonly number[]>>,
  options: ShapeCheckOptions = {},
): void {
  const problems: string[] = [];
  const expectedEntries = Object.entries(expected);
  for (const [name, shape] of expectedEntries) {
    const actual = weights.get(name);
    if (actual === undefined) problems.push(`missing tensor '${name}' (expected shape ${formatShape(shape)})`);
    else if (!sameShape(actual.shape, shape)) {
      problems.push(`tensor '${name}' has shape ${formatShape(actual.shape)}, expected ${formatShape(shape)}`);
    }
  }
  if (options.allowExtraTensors !== true) {
    const expectedNames = new Set(expectedEntries.map(([name]) => name));
    for (const [name, tensor] of weights) {
      if (!expectedNames.has(name))
        problems.push(`unexpected tensor '${name}' with shape ${formatShape(tensor.shape)}`);
    }
  }
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
  const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
  throw new ForgeError(`weights do not match the config: ${listed}${more}`, { file: options.file });
}

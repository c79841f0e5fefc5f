import { ForgeError, formatShape, sameShape } from '@agent-forge/core';
import type { TensorSource } from './sources.js';

/** Most problems one error lists; beyond that a count says how bad it is. */
const MAX_LISTED = 10;

/**
 * Tensorwise merging needs every model to hold the same tensor names with the same shapes. All
 * disagreements are collected, so one error lists every offending tensor and model.
 */
export function checkSameTensors(reference: TensorSource, others: readonly TensorSource[]): void {
  const expected = new Map(reference.tensors.map((tensor) => [tensor.name, tensor.shape]));
  const problems: string[] = [];
  for (const other of others) {
    const seen = new Set<string>();
    for (const tensor of other.tensors) {
      seen.add(tensor.name);
      const shape = expected.get(tensor.name);
      if (shape === undefined) problems.push(`'${tensor.name}' is in '${other.label}' but not in '${reference.label}'`);
      else if (!sameShape(shape, tensor.shape)) {
        problems.push(
          `'${tensor.name}' has shape ${formatShape(tensor.shape)} in '${other.label}' but ${formatShape(shape)} in '${reference.label}'`,
        );
      }
    }
    for (const name of expected.keys()) {
      if (!seen.has(name)) problems.push(`'${name}' is in '${reference.label}' but not in '${other.label}'`);
    }
  }
  if (problems.length === 0) return;
  const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
  throw new ForgeError(
    `the models' tensors do not match (${problems.length} problems): ${problems.slice(0, MAX_LISTED).join('; ')}${more}`,
  );
}

import { ForgeError } from '@agent-forge/core';
import type { z } from 'zod';
import { evaluateSetting, type Parameters, type ScalarValue } from './setting.js';

/**
 * The parameters of one tensor: each name the method's schema declares is looked up level by level
 * (e.g. `models[i].parameters`, then the global `parameters`; a slice source's, the slice's, then the
 * global ones), with filters and gradients evaluated for this tensor; the schema then fills defaults
 * and checks values.
 */
export interface TensorContext {
  readonly tensorName: string;
  /** Gradient position, see position.ts. */
  readonly position: number;
}

interface Lookup {
  readonly values: Record<string, ScalarValue>;
  /** Where each name was found (or would be set), for the error's field. */
  readonly fields: Record<string, string>;
}

/**
 * Parameters looked up through `levels` in order (the first level that sets a name wins), e.g. a
 * slice source's, then its slice's, then the global `parameters` for frankenmerge's `scale`.
 */
export function resolveFromLevels<S extends z.ZodObject>(
  schema: S,
  levels: readonly (readonly [Parameters | undefined, string])[],
  context: TensorContext,
  what: string,
): z.output<S> {
  return parseResolved(schema, lookup(schema, levels, context), context, what);
}

function lookup(
  schema: z.ZodObject,
  levels: readonly (readonly [Parameters | undefined, string])[],
  context: TensorContext,
): Lookup {
  const values: Record<string, ScalarValue> = {};
  const fields: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    fields[name] = `${levels[0]?.[1] ?? 'parameters'}.${name}`;
    for (const [parameters, field] of levels) {
      const setting = parameters?.[name];
      const value = setting === undefined ? undefined : evaluateSetting(setting, context.tensorName, context.position);
      if (value !== undefined) {
        values[name] = value;
        fields[name] = `${field}.${name}`;
        break;
      }
    }
  }
  return { values, fields };
}

function parseResolved<S extends z.ZodObject>(
  schema: S,
  found: Lookup,
  context: TensorContext,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(found.values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? '');
  const field = found.fields[name];
  const problem =
    found.values[name] === undefined
      ? `'${what}' needs parameter '${name}'`
      : (issue?.message ?? 'invalid value').replace(/^Invalid input: /, '');
  throw new ForgeError(`${problem} (tensor '${context.tensorName}')`, { field });
}

import { z } from 'zod';

/**
 * Merge parameters as mergekit writes them: a scalar, a gradient (a list interpolated across the
 * layers), or a list of conditions `{filter, value}` tried in order, where `filter` is a substring of
 * the tensor name and the first match wins (no filter, or `*`, matches every tensor).
 */
export type ScalarValue = number | boolean | string;
/** A scalar, or a gradient: anchors spread evenly over the layer positions [0, 1], numbers interpolated linearly, strings stepwise. */
export type ScalarOrGradient = ScalarValue | readonly number[] | readonly string[];
/** One `{filter, value}` entry of a conditional parameter list. */
export interface ConditionalParameter {
  /** Substring of the tensor name that selects this entry (e.g. `attn.`); absent or `*` matches every tensor. */
  readonly filter?: string;
  /** The value for matching tensors, a scalar or a gradient over the layers. */
  readonly value: ScalarOrGradient;
}
/** Any form a parameter may take: a scalar or gradient, one condition, or a condition list (first match wins). */
export type ParameterSetting = ScalarOrGradient | ConditionalParameter | readonly ConditionalParameter[];

const scalarSchema = z.union([z.number(), z.boolean(), z.string()]);
const gradientSchema = z.union([z.array(z.number()).min(1), z.array(z.string()).min(1)]);
const scalarOrGradientSchema = z.union([scalarSchema, gradientSchema]);
const conditionalSchema = z.object({ filter: z.string().optional(), value: scalarOrGradientSchema }).strict();

/** Zod schema of one {@link ParameterSetting}; gradients and condition lists must be non-empty, conditions strict. */
export const ParameterSettingSchema: z.ZodType<ParameterSetting> = z.union([
  scalarOrGradientSchema,
  conditionalSchema,
  z.array(conditionalSchema).min(1),
]);

/** Parameters by name, as written under `parameters:`. */
export const ParametersSchema = z.record(z.string(), ParameterSettingSchema);
/** Parameters by name (`t`, `weight`, `density`, …), global or per model; names and values are checked per method later. */
export type Parameters = Readonly<Record<string, ParameterSetting>>;

/**
 * The value of `setting` for tensor `tensorName` at gradient position `position` ∈ [0, 1] (see
 * position.ts). Undefined when a condition list has no match, so the caller falls back to the next
 * level (per-model parameters, then global ones), as mergekit does.
 */
export function evaluateSetting(
  setting: ParameterSetting,
  tensorName: string,
  position: number,
): ScalarValue | undefined {
  if (!Array.isArray(setting)) {
    if (isConditional(setting))
      return matches(setting, tensorName) ? evaluateGradient(setting.value, position) : undefined;
    return evaluateGradient(setting as ScalarOrGradient, position);
  }
  if (setting.length > 0 && isConditional(setting[0])) {
    for (const condition of setting as readonly ConditionalParameter[]) {
      if (matches(condition, tensorName)) return evaluateGradient(condition.value, position);
    }
    return undefined;
  }
  return evaluateGradient(setting as ScalarOrGradient, position);
}

function isConditional(value: unknown): value is ConditionalParameter {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'value' in value;
}

function matches(condition: ConditionalParameter, tensorName: string): boolean {
  return condition.filter === undefined || condition.filter === '*' || tensorName.includes(condition.filter);
}

/** Numbers interpolate linearly between neighbouring anchors; strings take the anchor at or below. */
function evaluateGradient(value: ScalarOrGradient, position: number): ScalarValue {
  if (!Array.isArray(value)) return value as ScalarValue;
  const anchors = value as readonly (number | string)[];
  const scaled = Math.min(Math.max(position, 0), 1) * (anchors.length - 1);
  const low = Math.floor(scaled);
  const high = Math.min(anchors.length - 1, low + 1);
  const lowValue = anchors[low] as number | string;
  if (typeof lowValue === 'string') return lowValue;
  const fraction = scaled - low;
  return (1 - fraction) * lowValue + fraction * (anchors[high] as number);
}

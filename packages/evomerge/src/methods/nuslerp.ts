import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/** Below this |sin Ω| two vectors count as colinear and nuslerp falls back to lerp (mergekit's eps). */
const COLINEAR_SIN = 1e-8;
/** Norms are clamped to at least this before normalising (mergekit's value). */
const MIN_NORM = 1e-7;

/**
 * NuSLERP (mergekit `nuslerp`): slerp between exactly two models with the interpolation factor from
 * their weights, t = w₂ / (w₁ + w₂) (0.5 when the weights sum to ~0). With a `base_model` it slerps
 * the two task vectors (θᵢ − θ_base) and adds the base back. The angle is taken over the whole
 * flattened tensor (`nuslerp_flatten`, default true), else per row (last axis of the stored layout)
 * or, with `nuslerp_row_wise`, per column (first axis). Unlike `slerp` it lerps only when
 * |sin Ω| < 1e-8, not from |cos Ω| > 0.9995.
 */
export const nuslerp = tensorwiseMethod({
  name: 'nuslerp',
  displayName: 'NuSLERP',
  referenceUrl: 'https://arxiv.org/abs/2403.13257',
  summary: 'slerp of two models (or their task vectors) at t = w₂/(w₁+w₂), per tensor, row or column',
  reference: 'mergekit nuslerp (Goddard et al. 2024, arXiv:2403.13257); slerp: Shoemake 1985',
  baseModel: 'optional',
  models: { min: 2, max: 2 },
  globalParameters: z.object({
    nuslerp_row_wise: z.boolean().default(false),
    nuslerp_flatten: z.boolean().default(true),
  }),
  modelParameters: z.object({ weight: z.number() }),
  merge({ base, models, shape, params }) {
    const [first, second] = models as [(typeof models)[number], (typeof models)[number]];
    const total = first.params.weight + second.params.weight;
    const t = Math.abs(total) < 1e-6 ? 0.5 : second.params.weight / total;
    const offset = (values: Float32Array): Float32Array =>
      base === undefined ? values : Float32Array.from(values, (v, i) => v - (base[i] as number));
    const v0 = offset(first.values);
    const v1 = offset(second.values);
    const out = new Float32Array(v0.length);
    for (const group of vectorGroups(
      shape,
      v0.length,
      params.nuslerp_flatten ? 'all' : params.nuslerp_row_wise ? 'first' : 'last',
    )) {
      slerpGroup(t, v0, v1, group, out);
    }
    if (base !== undefined) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (base[i] as number);
    return out;
  },
});

/** Entries slerped together: `count` entries from `offset`, `stride` apart. */
interface Group {
  readonly offset: number;
  readonly stride: number;
  readonly count: number;
}

/** The groups slerped together: the whole tensor, each run along the last axis (rows), or along the first (columns). */
function vectorGroups(shape: readonly number[], length: number, along: 'all' | 'first' | 'last'): Group[] {
  if (along === 'all' || shape.length < 2) return [{ offset: 0, stride: 1, count: length }];
  if (along === 'last') {
    const width = shape[shape.length - 1] as number;
    return Array.from({ length: length / width }, (_, row) => ({ offset: row * width, stride: 1, count: width }));
  }
  const height = shape[0] as number;
  const stride = length / height;
  return Array.from({ length: stride }, (_, column) => ({ offset: column, stride, count: height }));
}

function slerpGroup(
  t: number,
  v0: Float32Array,
  v1: Float32Array,
  { offset, stride, count }: Group,
  out: Float32Array,
): void {
  let dot = 0;
  let norm0 = 0;
  let norm1 = 0;
  for (let k = 0, i = offset; k < count; k++, i += stride) {
    dot += (v0[i] as number) * (v1[i] as number);
    norm0 += (v0[i] as number) ** 2;
    norm1 += (v1[i] as number) ** 2;
  }
  const cos = dot / (Math.max(Math.sqrt(norm0), MIN_NORM) * Math.max(Math.sqrt(norm1), MIN_NORM));
  const theta = Math.acos(Math.min(1, Math.max(-1, cos)));
  const sin = Math.sin(theta);
  const [c0, c1] =
    Math.abs(sin) < COLINEAR_SIN ? [1 - t, t] : [Math.sin((1 - t) * theta) / sin, Math.sin(t * theta) / sin];
  for (let k = 0, i = offset; k < count; k++, i += stride) out[i] = c0 * (v0[i] as number) + c1 * (v1[i] as number);
}

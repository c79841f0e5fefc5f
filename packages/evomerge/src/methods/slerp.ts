import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/** Above this |cos| the two tensors count as colinear and slerp falls back to lerp (mergekit's value). */
export const SLERP_DOT_THRESHOLD = 0.9995;
const NORM_EPSILON = 1e-8;

/**
 * Spherical interpolation between the base model (t = 0) and the other model (t = 1), per tensor
 * (Shoemake 1985, as in mergekit's slerp): the angle Ω comes from the *normalised* flattened tensors,
 * and the coefficients sin((1−t)Ω)/sin Ω and sin(tΩ)/sin Ω are applied to the unnormalised ones. When
 * |cos Ω| > 0.9995 (nearly parallel or antiparallel) it is plain lerp. `t` is usually filtered and
 * graded, e.g. `t: [{filter: attn., value: [0, 0.5, 1]}, {value: 0.5}]`.
 */
export const slerp = tensorwiseMethod({
  name: 'slerp',
  displayName: 'SLERP',
  referenceUrl: 'https://en.wikipedia.org/wiki/Slerp',
  summary: 'spherical interpolation from base (t=0) to the other model (t=1)',
  reference: 'Shoemake 1985, Animating rotation with quaternion curves (mergekit slerp)',
  baseModel: 'required',
  models: { min: 1, max: 1 },
  globalParameters: z.object({ t: z.number() }),
  modelParameters: z.object({}),
  merge({ base, models, params }) {
    return slerpValues(params.t, base as Float32Array, (models[0] as { values: Float32Array }).values);
  },
});

/**
 * Slerp of two equal-length flattened tensors at `t` (0 gives `v0`, 1 gives `v1`), as the `slerp`
 * method computes it; lerp when |cos Ω| > {@link SLERP_DOT_THRESHOLD}. Returns a new array.
 */
export function slerpValues(t: number, v0: Float32Array, v1: Float32Array): Float32Array {
  const [c0, c1] = slerpCoefficients(t, v0, v1);
  const out = new Float32Array(v0.length);
  for (let i = 0; i < v0.length; i++) out[i] = c0 * (v0[i] as number) + c1 * (v1[i] as number);
  return out;
}

function slerpCoefficients(t: number, v0: Float32Array, v1: Float32Array): [number, number] {
  let dot = 0;
  let norm0 = 0;
  let norm1 = 0;
  for (let i = 0; i < v0.length; i++) {
    const a = v0[i] as number;
    const b = v1[i] as number;
    dot += a * b;
    norm0 += a * a;
    norm1 += b * b;
  }
  // A near-zero tensor is left unnormalised, as mergekit does; its dot is then not a cosine.
  const scale0 = Math.sqrt(norm0) > NORM_EPSILON ? Math.sqrt(norm0) : 1;
  const scale1 = Math.sqrt(norm1) > NORM_EPSILON ? Math.sqrt(norm1) : 1;
  const cos = dot / (scale0 * scale1);
  if (Math.abs(cos) > SLERP_DOT_THRESHOLD) return [1 - t, t];
  const omega = Math.acos(Math.min(1, Math.max(-1, cos)));
  const sinOmega = Math.sin(omega);
  return [Math.sin((1 - t) * omega) / sinOmega, Math.sin(t * omega) / sinOmega];
}

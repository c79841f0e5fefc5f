/**
 * Saving and resuming one Grokfast run: model weights, Adam's moments and step count, the filter's
 * memory (the MA window or the EMA), the batch stream and the curve, as one checkpoint directory that
 * core's `saveCheckpoint` swaps in atomically. Saved only at epoch ends, so no half-epoch sums are lost.
 * A resume must use the same arm, seed and settings; only the step cap may change (to extend a run).
 */
import { ForgeError, fromTfTensor, loadCheckpoint, saveCheckpoint, toTfTensor } from '@agent-forge/core';
import type { Tensor, WeightMap } from '@agent-forge/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { GrokfastArmSchema, GrokfastDemoOptionsSchema, type GrokfastArm, type GrokfastDemoOptions } from './options.js';
import { GrokfastArmSession } from './session.js';

const PREFIX = { model: 'model/', optimizer: 'optimizer/', filter: 'filter/' } as const;

const finite = z.number().or(z.null());
/** config.json of a saved run; every field is checked on resume. */
const SessionStateSchema = z.strictObject({
  kind: z.literal('grokfast-arm-session'),
  arm: GrokfastArmSchema,
  seed: z.number().int(),
  options: GrokfastDemoOptionsSchema,
  step: z.number().int().nonnegative(),
  stepsToTarget: z.number().int().positive().optional(),
  losses: z.strictObject({ first: finite, last: finite }),
  batches: z.strictObject({
    order: z.array(z.number().int()),
    cursor: z.number().int(),
    rng: z.strictObject({ algorithm: z.literal('xoroshiro128plus'), state: z.array(z.number()) }),
  }),
  curve: z.array(
    z.strictObject({
      step: z.number().int(),
      trainAccuracy: z.number(),
      trainLoss: z.number(),
      validationAccuracy: z.number(),
      validationLoss: z.number(),
    }),
  ),
});

/** Writes the session to `dir` (atomically replacing an earlier save there). Call it at an epoch end. */
export async function saveArmSession(dir: string, session: GrokfastArmSession): Promise<void> {
  const weights: WeightMap = new Map();
  const add = (prefix: string, tensors: Map<string, Tensor>): void => {
    for (const [name, tensor] of tensors) weights.set(`${prefix}${name}`, fromTfTensor(tensor, 'F32', name));
  };
  add(PREFIX.model, session.model.namedWeights());
  add(PREFIX.optimizer, session.optimizer.state());
  if (session.transform?.state) add(PREFIX.filter, session.transform.state());
  const config: z.input<typeof SessionStateSchema> = {
    kind: 'grokfast-arm-session',
    arm: session.arm,
    seed: session.seed,
    options: session.options,
    step: session.step,
    ...(session.stepsToTarget === undefined ? {} : { stepsToTarget: session.stepsToTarget }),
    losses: { first: orNull(session.losses.first), last: orNull(session.losses.last) },
    batches: batchesJson(session),
    curve: session.curve,
  };
  await saveCheckpoint(dir, { config, weights });
}

function batchesJson(session: GrokfastArmSession): z.input<typeof SessionStateSchema>['batches'] {
  const { order, cursor, rng } = session.batches.state();
  return { order: [...order], cursor, rng: { algorithm: rng.algorithm, state: [...rng.state] } };
}

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** True when `dir` holds a saved session (a checkpoint's config file). */
export function hasArmSession(dir: string): boolean {
  return existsSync(path.join(dir, 'config.json'));
}

/**
 * The session saved in `dir`, continued exactly; `arm`, `seed` and `options` must be those it was
 * started with (`options.maxSteps` excepted), else a ForgeError names what differs.
 */
export async function loadArmSession(
  dir: string,
  arm: GrokfastArm,
  seed: number,
  options: GrokfastDemoOptions,
): Promise<GrokfastArmSession> {
  const saved = await loadCheckpoint(dir, { configSchema: SessionStateSchema });
  const { config } = saved;
  const mismatch = describeMismatch(config, arm, seed, options);
  if (mismatch !== undefined)
    throw new ForgeError(`saved run in ${dir} was started with a different ${mismatch}`, { field: mismatch });
  const session = new GrokfastArmSession(arm, seed, options);
  try {
    restoreTensors(session, saved.weights, config.step);
    session.batches.restore(config.batches);
  } catch (error) {
    session.dispose();
    throw error;
  }
  session.step = config.step;
  session.stepsToTarget = config.stepsToTarget;
  session.losses.first = config.losses.first ?? Number.NaN;
  session.losses.last = config.losses.last ?? Number.NaN;
  session.curve.push(...config.curve);
  return session;
}

function describeMismatch(
  config: z.output<typeof SessionStateSchema>,
  arm: GrokfastArm,
  seed: number,
  options: GrokfastDemoOptions,
): string | undefined {
  if (JSON.stringify(config.arm) !== JSON.stringify(arm)) return 'arm';
  if (config.seed !== seed) return 'seed';
  for (const key of Object.keys(options) as (keyof GrokfastDemoOptions)[]) {
    if (key === 'maxSteps' || key === 'seeds' || key === 'arms') continue;
    if (JSON.stringify(config.options[key]) !== JSON.stringify(options[key])) return `options.${key}`;
  }
  return undefined;
}

function restoreTensors(session: GrokfastArmSession, weights: WeightMap, step: number): void {
  const groups = {
    model: new Map<string, Tensor>(),
    optimizer: new Map<string, Tensor>(),
    filter: new Map<string, Tensor>(),
  };
  try {
    for (const [key, host] of weights) {
      const group = (Object.keys(PREFIX) as (keyof typeof PREFIX)[]).find((name) => key.startsWith(PREFIX[name]));
      if (!group) throw new ForgeError(`unexpected tensor '${key}' in a saved Grokfast run`, { field: key });
      groups[group].set(key.slice(PREFIX[group].length), toTfTensor(host, key));
    }
    const live = session.model.namedWeights();
    for (const [name, variable] of live) {
      const value = groups.model.get(name);
      if (!value || value.shape.join(',') !== variable.shape.join(','))
        throw new ForgeError(`saved Grokfast run lacks weight '${name}' of shape [${variable.shape}]`, { field: name });
      variable.assign(value);
    }
    session.optimizer.loadState(step, groups.optimizer, live);
    if (groups.filter.size > 0) session.transform?.loadState?.(groups.filter);
  } finally {
    for (const group of Object.values(groups)) for (const tensor of group.values()) tensor.dispose();
  }
}

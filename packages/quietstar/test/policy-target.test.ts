/**
 * `policyGradientTarget`: with `'thoughts-only'` the REINFORCE term's gradient reaches the start/end-of-thought
 * embeddings and no other weight; `'all'` is today's objective, bit for bit. One gradient step's worth: the
 * gradients of the objective from the same start (same weights, same batch, same thought samples).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, tf, useBackend } from '@agent-forge/core';
import { THOUGHT_EMBED_NAME, quietStarObjective } from '../src/index.js';
import type { QuietStarSettingsInput } from '../src/settings.js';
import { microThinker, randomTokens } from './helpers.js';

interface Step {
  readonly loss: number;
  readonly grads: Map<string, Float32Array>;
}

function gradientsOf(settings: QuietStarSettingsInput): Step {
  const thinker = microThinker({ thoughtLength: 2, nThoughts: 2, clampNegativeRewards: false, ...settings });
  const weights = thinker.namedWeights();
  const nameOf = new Map([...weights].map(([name, variable]) => [variable.name, name]));
  const tokens = randomTokens(5, 2, 9, 320);
  const rng = Rng.fromSeed(7);
  const { value, grads } = tf.variableGrads(() => quietStarObjective(thinker, tokens, rng).loss, [...weights.values()]);
  const out = new Map<string, Float32Array>();
  for (const [id, grad] of Object.entries(grads)) out.set(nameOf.get(id) ?? id, grad.dataSync() as Float32Array);
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, tokens, ...Object.values(grads)]);
  thinker.dispose();
  thinker.model.dispose();
  return { loss, grads: out };
}

function isThoughtEmbed(name: string): boolean {
  return name === THOUGHT_EMBED_NAME;
}

describe('policyGradientTarget', () => {
  let none: Step;
  let thoughtsOnly: Step;
  beforeAll(async () => {
    await useBackend('cpu');
    none = gradientsOf({ policyWeight: 0 });
    thoughtsOnly = gradientsOf({ policyWeight: 1, policyGradientTarget: 'thoughts-only' });
  });

  it("'thoughts-only': every other weight gets exactly the gradient it gets with policyWeight 0", () => {
    const trunk = [...none.grads.keys()].filter((name) => !isThoughtEmbed(name));
    expect(trunk.length).toBeGreaterThan(5);
    for (const name of trunk) expect(thoughtsOnly.grads.get(name), name).toEqual(none.grads.get(name));
  });

  it("'thoughts-only': the start/end-of-thought embeddings do receive the policy gradient", () => {
    const withPolicy = thoughtsOnly.grads.get(THOUGHT_EMBED_NAME) as Float32Array;
    const without = none.grads.get(THOUGHT_EMBED_NAME) as Float32Array;
    const difference = withPolicy.reduce((m, x, i) => Math.max(m, Math.abs(x - (without[i] as number))), 0);
    expect(difference).toBeGreaterThan(1e-6);
  });

  it("'all' is bit-identical to the objective without the option", () => {
    const plain = gradientsOf({ policyWeight: 1 });
    const all = gradientsOf({ policyWeight: 1, policyGradientTarget: 'all' });
    expect(all.loss).toBe(plain.loss);
    expect([...all.grads.keys()]).toEqual([...plain.grads.keys()]);
    for (const [name, grad] of plain.grads) expect(all.grads.get(name), name).toEqual(grad);
    // And it differs from 'thoughts-only' in the trunk: the policy gradient reaches it there.
    const trunk = [...plain.grads.keys()].filter((name) => !isThoughtEmbed(name));
    expect(trunk.some((name) => !equal(plain.grads.get(name), thoughtsOnly.grads.get(name)))).toBe(true);
  });
});

function equal(a: Float32Array | undefined, b: Float32Array | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
}

import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, SPECIAL_IDS, argmax, createTitanModel, tf, useBackend } from '@agent-forge/core';
import { quietStarObjective } from '../src/objective.js';
import { rollout } from '../src/rollout.js';
import { Thinker, disposeBase } from '../src/thinker.js';
import { ThoughtSession } from '../src/think.js';
import { loadThinker, saveThinker } from '../src/checkpoint.js';
import { MICRO, maxAbsDifference, microThinker, microTokenizer, randomTokens, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('parallel thoughts', () => {
  it('rebuilds the model forward exactly on the plain path', () => {
    const thinker = microThinker();
    const tokens = randomTokens(1, 2, 12, 320);
    const base = thinker.base(tokens);
    const logits = thinker.path.project(base.hidden);
    expect(maxAbsDifference(logits, thinker.model.forward(tokens))).toBeLessThan(1e-5);
    disposeBase(base);
    thinker.dispose();
  });

  it('gives every position the logits of a thought inserted into the text sequentially', () => {
    const thinker = microThinker({ temperature: 0, thoughtLength: 3, nTrue: 2 });
    thinker.commitThoughtEmbeddings();
    const length = 10;
    const tokens = randomTokens(2, 1, length + 1, 320);
    const host = Array.from(tokens.dataSync());
    const inputs = tf.slice(tokens, [0, 0], [1, length]) as tf.Tensor2D;
    const base = thinker.base(inputs);
    const teacher = [
      tf.tensor2d(
        Int32Array.from({ length }, (_, j) => host[j + 1] as number),
        [1, length],
        'int32',
      ),
    ];
    const thought = rollout(thinker, {
      kv: base.kv,
      firstBase: 0,
      rows: length,
      baseMask: causalMaskOf(length),
      talkSteps: 2,
      teacher,
      temperature: 0,
      rng: Rng.fromSeed(1),
    });
    const parallel = [0, 1].map(
      (k) => thinker.path.project(thought.talkHidden[k] as tf.Tensor3D).arraySync()[0] as number[][],
    );
    for (let j = 0; j < length; j++) {
      const thoughtTokens = [...thought.tokens.subarray(j * 3, j * 3 + 3)];
      const sequence = [
        ...host.slice(0, j + 1),
        SPECIAL_IDS.startOfThought,
        ...thoughtTokens,
        SPECIAL_IDS.endOfThought,
        host[j + 1] as number,
      ];
      const logits = thinker.model
        .forward(tf.tensor2d(sequence, [1, sequence.length], 'int32'))
        .arraySync()[0] as number[][];
      // Greedy thought tokens are the argmax of the sequential logits (reserved ids excluded).
      for (let i = 0; i < 3; i++) {
        const row = (logits[j + 1 + i] as number[]).map((v, id) => (id < 24 ? -Infinity : v));
        expect(argmax(row)).toBe(thoughtTokens[i]);
      }
      for (const k of [0, 1]) {
        const sequential = logits[j + 5 + k] as number[];
        const fromParallel = (parallel[k] as number[][])[j] as number[];
        expect(Math.max(...sequential.map((v, i) => Math.abs(v - (fromParallel[i] as number))))).toBeLessThan(1e-4);
      }
    }
    thought.policyLogProb.dispose();
    disposeBase(base);
    thinker.dispose();
  });

  it('thinks after a window of positions only, exactly as the full batch does at those positions', () => {
    const full = microThinker({ thoughtLength: 3, nTrue: 2 });
    // A non-zero mixing head, so the mixed prediction really depends on the thought.
    full.mixer.weights.forEach((variable, name) =>
      variable.assign(tf.randomNormal(variable.shape, 0, 0.3, 'float32', name.length)),
    );
    const windowed = new Thinker(
      full.model,
      { ...full.settings, thoughtPositions: 4 },
      { mixer: full.mixer.weights, thoughtEmbeddings: full.thoughtEmbeddings() },
    );
    const [rows, length] = [2, 12];
    const tokens = randomTokens(5, rows, length + 1, 320);
    const all = quietStarObjective(full, tokens, Rng.fromSeed(6));
    const first = 5;
    const forced = new Int32Array(rows * 2 * 4 * 3);
    for (let row = 0; row < rows * 2; row++)
      forced.set(all.thoughts.subarray((row * length + first) * 3, (row * length + first + 4) * 3), row * 4 * 3);
    const part = quietStarObjective(windowed, tokens, Rng.fromSeed(7), { thoughts: forced, firstPosition: first });
    expect(part.shape).toEqual({ batch: rows, thoughts: 2, length: 4 });
    expect(part.firstPosition).toBe(first);
    for (let row = 0; row < rows * 2; row++) {
      for (let j = 0; j < 4; j++) {
        const [inWindow, inFull] = [row * 4 + j, row * length + first + j];
        expect(part.mixedNll[inWindow]).toBeCloseTo(all.mixedNll[inFull] as number, 4);
        expect(part.baseNll[inWindow]).toBeCloseTo(all.baseNll[inFull] as number, 4);
        expect(part.mixWeight[inWindow]).toBeCloseTo(all.mixWeight[inFull] as number, 5);
      }
    }
    expect(Array.from(part.mixedNll).some((value, i) => Math.abs(value - (part.baseNll[i] as number)) > 1e-3)).toBe(
      true,
    );
    const drawn = quietStarObjective(windowed, tokens, Rng.fromSeed(8));
    expect(drawn.firstPosition).toBeGreaterThanOrEqual(0);
    expect(drawn.firstPosition).toBeLessThanOrEqual(length - 4);
    expect(() => quietStarObjective(windowed, tokens, Rng.fromSeed(8), { firstPosition: length - 3 })).toThrow(
      /firstPosition must be an integer in \[0, 8\]/,
    );
    for (const batch of [all, part, drawn]) batch.loss.dispose();
    windowed.dispose();
    full.dispose();
  });

  it('decodes with cached prefixes exactly as re-encoding the whole prefix for every thought', () => {
    const plain = microThinker({ thoughtLength: 3 });
    const titan = new Thinker(
      createTitanModel(MICRO, { act: { maxSteps: 2 }, memory: { chunkSize: 4 } }, { seed: 2 }),
      plain.settings,
    );
    for (const thinker of [plain, titan]) {
      thinker.mixer.weights.forEach((variable, name) =>
        variable.assign(tf.randomNormal(variable.shape, 0, 0.3, 'float32', name.length)),
      );
      const ids = [30, 41, 52, 63, 74];
      const session = new ThoughtSession(thinker);
      session.append(ids.slice(0, 3));
      for (let fed = 3; fed <= ids.length; fed++) {
        const cached = session.think({ seed: fed });
        const reference = reencodedPrediction(thinker, ids.slice(0, fed), fed);
        expect(cached.thought).toEqual(reference.thought);
        expect(cached.mixWeight).toBeCloseTo(reference.mixWeight, 5);
        expect(maxAbsDifference(tf.tensor1d(cached.logits), tf.tensor1d(reference.logits))).toBeLessThan(1e-4);
        expect(maxAbsDifference(tf.tensor1d(cached.baseLogits), tf.tensor1d(reference.baseLogits))).toBeLessThan(1e-4);
        if (fed < ids.length) session.append([ids[fed] as number]);
      }
      expect(() => session.append(Array.from({ length: MICRO.contextLength as number }, () => 30))).toThrow(
        /prompt has 29 tokens; it needs 1 to 24/,
      );
      session.dispose();
    }
    titan.model.dispose();
    titan.dispose();
    plain.dispose();
  });

  it('predicts exactly as the base model while the mixing head is at its zero init', () => {
    const thinker = microThinker();
    const tokens = randomTokens(3, 2, 13, 320);
    const batch = quietStarObjective(thinker, tokens, Rng.fromSeed(4));
    expect(Array.from(batch.mixWeight).every((w) => w === 0)).toBe(true);
    expect(maxAbsDifference(tf.tensor1d(batch.mixedNll), tf.tensor1d(batch.baseNll))).toBeLessThan(1e-5);
    const baseLoss = batch.baseNll.reduce((s, v) => s + v, 0) / batch.baseNll.length;
    expect(baseLoss).toBeCloseTo(thinker.model.loss(tokens).dataSync()[0] as number, 5);
    // Two thoughts per position, different in general (sampled at temperature 1).
    expect(batch.thoughts.length).toBe(2 * 2 * 12 * 3);
    batch.loss.dispose();
    thinker.dispose();
  });

  it('keeps w in (0, 1) with the unit range: a convex mix of base and post-thought predictions', async () => {
    const thinker = microThinker({ mixWeight: 'unit' });
    // Push the head's output far both ways: the sigmoid keeps w strictly inside (0, 1).
    const tokens = randomTokens(5, 2, 9, 320);
    const start = quietStarObjective(thinker, tokens, Rng.fromSeed(1));
    expect(Array.from(start.mixWeight).every((w) => Math.abs(w - 1 / (1 + Math.exp(4))) < 1e-6)).toBe(true);
    for (const bias of [40, -40]) {
      (thinker.mixer.weights.get('quietstar.mixer.1.bias') as tf.Variable).assign(tf.tensor1d([bias]));
      const batch = quietStarObjective(thinker, tokens, Rng.fromSeed(1));
      expect(Array.from(batch.mixWeight).every((w) => w >= 0 && w <= 1)).toBe(true);
      // At w ≈ 0 the mixed prediction is the base one.
      if (bias < 0)
        expect(maxAbsDifference(tf.tensor1d(batch.mixedNll), tf.tensor1d(batch.baseNll))).toBeLessThan(1e-4);
      batch.loss.dispose();
    }
    start.loss.dispose();
    const dir = tempDir('unit');
    await saveThinker(dir, { thinker, tokenizer: microTokenizer(), extensions: {} });
    const loaded = await loadThinker(dir);
    expect(loaded.thinker.settings.mixWeight).toBe('unit');
    loaded.thinker.model.dispose();
    loaded.thinker.dispose();
    thinker.dispose();
  });

  it('saves and loads a thinker without changing its predictions', async () => {
    const thinker = microThinker();
    const dir = tempDir('save');
    await saveThinker(dir, { thinker, tokenizer: microTokenizer(), extensions: {} });
    const loaded = await loadThinker(dir);
    const tokens = randomTokens(9, 2, 10, 320);
    expect(maxAbsDifference(loaded.thinker.model.forward(tokens), thinker.model.forward(tokens))).toBe(0);
    expect(maxAbsDifference(loaded.thinker.thoughtEmbeddings(), thinker.thoughtEmbeddings())).toBe(0);
    for (const [name, weight] of thinker.mixer.weights)
      expect(maxAbsDifference(loaded.thinker.mixer.weights.get(name) as tf.Tensor, weight)).toBe(0);
    loaded.thinker.model.dispose();
    loaded.thinker.dispose();
    thinker.dispose();
  });

  it('REINFORCE raises the log-probability of thoughts with a positive advantage', () => {
    const thinker = microThinker({ policyWeight: 1000, clampNegativeRewards: false, nThoughts: 2 });
    const tokens = randomTokens(5, 2, 9, 320);
    const weights = [...thinker.namedWeights().values()];
    const rng = Rng.fromSeed(6);
    let batch: ReturnType<typeof quietStarObjective> | undefined;
    const { grads, value } = tf.variableGrads(() => {
      batch = quietStarObjective(thinker, tokens, rng.fork('a'));
      return batch.loss;
    }, weights);
    const sampled = batch as NonNullable<typeof batch>;
    const before = scoreThoughts(thinker, tokens, sampled.thoughts);
    tf.tidy(() => weights.forEach((w) => w.assign(tf.sub(w, tf.mul(grads[w.name] ?? tf.zerosLike(w), 1e-4)))));
    const after = scoreThoughts(thinker, tokens, sampled.thoughts);
    // Advantage = utility − mean utility of the position (the base likelihood is shared by both thoughts).
    let aligned = 0;
    const rows = sampled.utility.length / 2;
    for (let i = 0; i < rows; i++) {
      const advantage = (sampled.utility[i] as number) - (sampled.utility[i + rows] as number);
      aligned +=
        advantage *
        ((after[i] as number) - (before[i] as number) - ((after[i + rows] as number) - (before[i + rows] as number)));
    }
    expect(aligned).toBeGreaterThan(0);
    value.dispose();
    thinker.dispose();
  });
});

function causalMaskOf(length: number): tf.Tensor2D {
  const mask = new Float32Array(length * length);
  for (let i = 0; i < length; i++) mask.fill(-1e9, i * length + i + 1, (i + 1) * length);
  return tf.tensor2d(mask, [length, length]);
}

/** log π of given thoughts (teacher-forced) for the tiled batch of `tokens`. */
function scoreThoughts(
  thinker: ReturnType<typeof microThinker>,
  tokens: tf.Tensor2D,
  thoughts: Int32Array,
): Float32Array {
  const [batch, cols] = tokens.shape;
  const length = cols - 1;
  const inputs = tf.slice(tokens, [0, 0], [batch, length]) as tf.Tensor2D;
  const base = thinker.base(inputs);
  const kv = base.kv.map((e) => ({ keys: tf.tile(e.keys, [2, 1, 1, 1]), values: tf.tile(e.values, [2, 1, 1, 1]) }));
  const thought = rollout(thinker, {
    kv,
    firstBase: 0,
    rows: length,
    baseMask: causalMaskOf(length),
    talkSteps: 1,
    teacher: [],
    temperature: 1,
    rng: Rng.fromSeed(0),
    forced: thoughts,
  });
  const scores = Float32Array.from(thought.policyLogProb.dataSync());
  thought.policyLogProb.dispose();
  disposeBase(base);
  return scores;
}

/** The prediction after `ids` computed from scratch: a full base pass, then the thought (no caches). */
function reencodedPrediction(
  thinker: Thinker,
  ids: number[],
  seed: number,
): { thought: number[]; mixWeight: number; logits: Float32Array; baseLogits: Float32Array } {
  const input = tf.tensor2d(ids, [1, ids.length], 'int32');
  const base = thinker.base(input);
  const last = ids.length - 1;
  const thought = rollout(thinker, {
    kv: base.kv,
    firstBase: last,
    rows: 1,
    baseMask: null,
    talkSteps: 1,
    teacher: [],
    temperature: thinker.settings.temperature,
    rng: Rng.fromSeed(seed),
  });
  const out = tf.tidy(() => {
    const before = tf.slice(base.hidden, [0, last, 0], [1, 1, thinker.model.config.dModel]);
    const after = thought.talkHidden[0] as tf.Tensor3D;
    const w = thinker.mixer.weight(before, after);
    const logits = thinker.path.project(thinker.mixer.mix(before, after, w) as tf.Tensor3D).dataSync() as Float32Array;
    return {
      mixWeight: w.dataSync()[0] as number,
      logits: Float32Array.from(logits),
      baseLogits: Float32Array.from(thinker.path.project(before).dataSync()),
    };
  });
  thought.policyLogProb.dispose();
  thought.talkHidden.forEach((hidden) => hidden.dispose());
  disposeBase(base);
  input.dispose();
  return { thought: [...thought.tokens], ...out };
}

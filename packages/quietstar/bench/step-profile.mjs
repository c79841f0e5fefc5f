#!/usr/bin/env node
/**
 * Profiles one Quiet-STaR training step (objective + gradients) of a random `small` TinyTitan: wall time,
 * tf.profile's peak bytes and the kernels that took the most time, by input shape. Found that stacking the
 * thoughts' own keys made ~80 % of a step an Unpack in the backward (plain-path.ts now avoids it).
 *
 *   THREADS=1 node packages/quietstar/bench/step-profile.mjs [rows=2] [length=128] [thoughtPositions=16] [preset=small]
 */
import { MODEL_PRESETS, Rng, TinyTitan, initBackend, tf } from '@agent-forge/core';
import { Thinker, parseQuietStarSettings, quietStarObjective, quietstarPresetDefaults } from '@agent-forge/quietstar';

const [rows = 2, length = 128, positions = 16] = process.argv.slice(2, 5).map(Number);
const preset = process.argv[5] ?? 'small';
const backend = await initBackend({ threads: process.env.THREADS ? Number(process.env.THREADS) : undefined });
const { thoughtLength, nTrue, nThoughts } = quietstarPresetDefaults(preset);
const model = new TinyTitan(MODEL_PRESETS[preset], { seed: 1 });
const thinker = new Thinker(
  model,
  parseQuietStarSettings({ thoughtLength, nTrue, nThoughts, thoughtPositions: positions }),
);
const rng = Rng.fromSeed(1);
const tokens = tf.tensor2d(
  Int32Array.from({ length: rows * (length + 1) }, () => rng.int(24, model.config.vocabSize - 1)),
  [rows, length + 1],
  'int32',
);
const weights = [...thinker.namedWeights().values()];
console.log(
  `${preset}, ${rows} rows × ${length} tokens, thoughts at ${positions} positions (${thoughtLength} tokens, nTrue ${nTrue}, ${nThoughts} per position), ${backend.choice} ${backend.threads} threads`,
);
for (const label of ['warm-up', 'timed']) {
  const started = performance.now();
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => quietStarObjective(thinker, tokens, rng.fork(label)).loss, weights);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  });
  console.log(
    `${label}: ${((performance.now() - started) / 1000).toFixed(2)} s, peak ${(profile.peakBytes / 2 ** 30).toFixed(2)} GiB, ${profile.kernels.length} kernels`,
  );
  if (label === 'warm-up') continue;
  const byShape = new Map();
  for (const k of profile.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    byShape.set(key, (byShape.get(key) ?? 0) + k.kernelTimeMs);
  }
  for (const [key, ms] of [...byShape].sort((a, b) => b[1] - a[1]).slice(0, 10))
    console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}

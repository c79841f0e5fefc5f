// Phase 3, quietstar (Quiet-STaR): the model samples a short "thought" after each position and a mixing
// head blends the prediction after the thought with the one without it. The figures check that a fresh
// mixing head changes nothing (w = 0, identical logits), show the training objective on one window
// (LM loss + REINFORCE on the thoughts) and time generation with and without thoughts.
// Build first (`pnpm build`), then: node examples/03-quietstar.mjs

// %%
import { MODEL_PRESETS, Rng, TinyTitan, initBackend, tf } from '@agent-forge/core';
import {
  Thinker,
  measureLatency,
  parseQuietStarSettings,
  quietStarObjective,
  thinkAndPredict,
} from '@agent-forge/quietstar';

await initBackend();
const model = new TinyTitan(MODEL_PRESETS.tiny, { seed: 1 });
// The Thinker adds the mixing head and the start/end-of-thought embeddings; settings: the tiny preset's values.
const thinker = new Thinker(model, parseQuietStarSettings({ thoughtLength: 4, nTrue: 2, nThoughts: 2 }));
const prompt = [300, 301, 302, 303, 304];

// %%
// One thought after the prompt, then the mixed prediction. The head's last layer starts at zero, so
// w = 0 and the mixed logits must equal the plain model's next-token logits.
const { thought, mixWeight, logits } = thinkAndPredict(thinker, prompt);
const plain = tf.tidy(() =>
  model
    .forward(tf.tensor2d([prompt], undefined, 'int32'))
    .slice([0, prompt.length - 1, 0], [1, 1, -1])
    .dataSync(),
);
const maxDiff = logits.reduce((worst, v, i) => Math.max(worst, Math.abs(v - plain[i])), 0);
console.log(`thought tokens: ${thought.join(' ')}`);
console.log(`mixing weight w: ${mixWeight}`);
console.log(`max |mixed logits - plain model logits|: ${maxDiff.toExponential(2)}`);

// %%
// The training objective on one 16-token window: every position gets nThoughts thoughts in parallel.
const window = tf.tensor2d([Array.from({ length: 17 }, (_, i) => 300 + i)], undefined, 'int32'); // [B, T + 1]
const step = quietStarObjective(thinker, window, Rng.fromSeed(0));
console.log(
  `LM loss: ${step.lmLoss.toFixed(3)} (untrained: about ln ${MODEL_PRESETS.tiny.vocabSize} = ${Math.log(MODEL_PRESETS.tiny.vocabSize).toFixed(3)})`,
);
console.log(`REINFORCE loss: ${step.policyLoss.toFixed(4)}`);
console.log(`thought rows: ${step.mixedNll.length} (16 positions x ${thinker.settings.nThoughts} thoughts)`);
step.loss.dispose();

// %%
// Thinking costs time: a thought of 4 tokens (plus start/end markers) before every generated token.
const latency = await measureLatency(thinker, prompt, 8);
console.log(`ms/token with thoughts: ${latency.msPerTokenWithThoughts.toFixed(1)}`);
console.log(`ms/token without thoughts: ${latency.msPerTokenWithoutThoughts.toFixed(1)}`);
console.log(`slowdown: ${(latency.msPerTokenWithThoughts / latency.msPerTokenWithoutThoughts).toFixed(1)}x`);

// Phase 7, edge: run a BitNet model on a plain CPU. Ternary layers run on a packed 2-bit kernel
// (table lookups and integer adds, no float matmul), and generation reuses a KV cache. The figures
// compare the packed kernel with the dequantized float path, and ms/token with and without the cache
// (the uncached loop re-runs the whole sequence for every token; both must pick the same tokens).
// Build first (`pnpm build`), then: node examples/07-edge.mjs

// %%
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  argmax,
  BpeTokenizer,
  initBackend,
  MODEL_PRESETS,
  saveModelCheckpoint,
  tf,
  TinyTitan,
} from '@agent-forge/core';
import { convertToBitNet } from '@agent-forge/bitnet';
import {
  EdgeEngine,
  generateStreaming,
  loadDequantizedEdgeModel,
  loadPackedEdgeModel,
  percentile,
} from '@agent-forge/edge';

await initBackend();
// A fresh tiny model converted to BitNet and saved as the bitnet phase saves it.
const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-edge-'));
const { model, extensions } = convertToBitNet(new TinyTitan(MODEL_PRESETS.tiny, { seed: 1 }));
// Core's `bitnet` save hook writes model.packed.safetensors with the checkpoint.
await saveModelCheckpoint(dir, { model, tokenizer: new BpeTokenizer([]), extensions });
const packed = await loadPackedEdgeModel(dir); // ternary layers on the 2-bit kernel
const float = await loadDequantizedEdgeModel(dir); // the same weights expanded to F32, backend matmul
const prompt = packed.tokenizer.encode('Question: Tom has 3 apples and buys 4 more. How many?\nAnswer:').slice(0, 32);

// %%
// Same function two ways: the packed kernel's sums are exact, only the final scaling is float.
const ids = tf.tensor2d([prompt], undefined, 'int32');
const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(packed.model.forward(ids), float.model.forward(ids)))).dataSync()[0]);
console.log(`prompt tokens: ${prompt.length}`);
console.log(`max |packed kernel logits - float path logits|: ${diff.toExponential(2)}`);

// %%
// Greedy decoding without a cache: one full forward over the growing sequence per token.
function uncachedGreedy(net, start, count) {
  const seq = [...start];
  const ms = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const last = tf.tidy(() =>
      net
        .forward(tf.tensor2d([seq], undefined, 'int32'))
        .slice([0, seq.length - 1, 0], [1, 1, -1])
        .dataSync(),
    );
    seq.push(argmax(last));
    ms.push(performance.now() - began);
  }
  return { tokens: seq.slice(start.length), ms };
}
const newTokens = 24;
for (const [name, edge] of new Map([
  ['packed', packed],
  ['float', float],
])) {
  await generateStreaming(edge.model, prompt, { maxNewTokens: 4, temperature: 0 }); // warm-up
  const cached = await generateStreaming(edge.model, prompt, { maxNewTokens: newTokens, temperature: 0 });
  const uncached = uncachedGreedy(edge.model, prompt, cached.tokens.length);
  const same = cached.tokens.every((t, i) => t === uncached.tokens[i]);
  console.log(`${name}: ms/token with KV cache: ${percentile(cached.stepMs, 0.5).toFixed(2)}`);
  console.log(`${name}: ms/token without KV cache: ${percentile(uncached.ms, 0.5).toFixed(2)}`);
  console.log(`${name}: same ${cached.tokens.length} tokens with and without the cache: ${same}`);
}

// %%
// The engine behind `forge chat` and `forge serve` (OpenAI-compatible HTTP with serveModel).
const reply = await new EdgeEngine(packed).complete({ prompt: 'Question: 2+3?\nAnswer:', maxTokens: 12 });
console.log(
  `engine: ${reply.promptTokens} prompt tokens, ${reply.completionTokens} completion tokens, finish ${reply.finishReason}`,
);
await rm(dir, { recursive: true, force: true });

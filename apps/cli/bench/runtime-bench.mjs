// Runtime comparison for `pnpm bench`: ms/token, first-token latency and peak RSS of each `--runtime`
// (ours on the wasm backend, llama.cpp through node-llama-cpp, onnxruntime-node) on the same model: the `paper` shape
// with random weights and a vocabulary of a tokenizer trained here (so every id decodes). Each runtime
// runs in its own process, so RSS is its own. A benchmark, not a test: numbers depend on the machine.
//   node apps/cli/bench/runtime-bench.mjs [preset=paper] [newTokens=64] [threads=cores]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODEL_PRESETS, TinyTitan, initBackend, loadDataset, saveModelCheckpoint, trainBpe } from '@agent-forge/core';
import { EdgeEngine } from '@agent-forge/edge';
import { RUNTIME_NAMES, loadEdgeModel, openRuntime } from '@agent-forge/cli';

const PROMPT = 'Question: Tom has 17 apples and buys 25 more. How many apples does he have now?\nAnswer:';
const REPEATS = 3;

async function child(runtimeName, dir, newTokens, threads) {
  await initBackend({ prefer: 'wasm', threads });
  const edgeModel = await loadEdgeModel(dir, { float: runtimeName !== 'forge' });
  const runtime = await openRuntime(runtimeName, dir, edgeModel, threads);
  const engine = new EdgeEngine(edgeModel, runtime.engineOptions);
  const runs = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const { summary } = await engine.complete({ prompt: PROMPT, maxTokens: newTokens, stop: [] });
    const steps = [...summary.stepMs].sort((a, b) => a - b);
    runs.push({
      firstTokenMs: summary.timeToFirstTokenMs,
      msPerToken: steps[Math.floor(steps.length / 2)] ?? 0,
      tokens: summary.tokens.length,
    });
  }
  await runtime.dispose();
  edgeModel.dispose();
  const best = runs.slice(1).sort((a, b) => a.msPerToken - b.msPerToken)[0] ?? runs[0];
  console.log(JSON.stringify({ runtime: runtimeName, ...best, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function parent(preset, newTokens, threads) {
  await initBackend({ prefer: 'wasm' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-runtime-bench-'));
  try {
    const dataset = await loadDataset({ kind: 'builtin', count: 2000, seed: 1, difficulty: 1 });
    const tokenizer = trainBpe(dataset.texts(), { vocabSize: MODEL_PRESETS[preset].vocabSize });
    const model = new TinyTitan({ ...MODEL_PRESETS[preset], vocabSize: tokenizer.vocabSize }, { seed: 1 });
    await saveModelCheckpoint(path.join(dir, 'model'), { model, tokenizer });
    model.dispose();
    console.log(
      `runtime comparison, ${preset} shape (vocab ${tokenizer.vocabSize}), ${newTokens} new tokens, ${threads} threads, median step of the best of ${REPEATS - 1} warm runs`,
    );
    console.log('runtime     ms/token  first token ms  peak RSS MB');
    for (const runtime of RUNTIME_NAMES) {
      const result = spawnSync(
        process.execPath,
        [import.meta.filename, '--child', runtime, path.join(dir, 'model'), String(newTokens), String(threads)],
        { encoding: 'utf8' },
      );
      const line = result.stdout
        .trim()
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .pop();
      if (result.status !== 0 || !line) {
        console.log(`${runtime.padEnd(10)}  failed: ${result.stderr.trim().split('\n').pop()}`);
        continue;
      }
      const run = JSON.parse(line);
      console.log(
        `${runtime.padEnd(10)}  ${run.msPerToken.toFixed(2).padStart(8)}  ${run.firstTokenMs.toFixed(1).padStart(14)}  ${run.peakRssMb.toFixed(0).padStart(11)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1], args[2], Number(args[3]), Number(args[4]));
else await parent(args[0] ?? 'paper', Number(args[1] ?? 64), Number(args[2] ?? os.cpus().length));

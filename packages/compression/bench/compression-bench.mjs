#!/usr/bin/env node
/**
 * Compression of a briefly trained BitNet model at a preset scale (default `small`): a dense TinyTitan
 * goes through the bitnet phase (its recovery fine-tune is the "brief training", `steps` of it), then the
 * compression phase with its default candidates. Prints a markdown section: every candidate on its own
 * (bits/weight, bytes, relative error, held-out loss, accuracy, encode time), the chosen mix, the final
 * file size and quality before/after. Evaluation sizes are cut down (16 held-out windows, 8 problems) to
 * keep the run short. Timings depend on machine load; the load average is printed.
 *
 *   npx tsup && node packages/compression/bench/compression-bench.mjs [tiny|small|paper] [bitnetSteps=30]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The bench composes two phases like the CLI does; compression itself does not depend on bitnet.
import { bitnetPhase } from '../../bitnet/dist/index.js';
import {
  MODEL_PRESETS,
  TinyTitan,
  formatProblem,
  generateProblems,
  initBackend,
  lineProgress,
  readPhaseResult,
  phaseDirName,
  runPipeline,
  saveModelCheckpoint,
  trainBpe,
} from '@agent-forge/core';
import { compressionPhase } from '@agent-forge/compression';

const preset = process.argv[2] ?? 'small';
const steps = Number(process.argv[3] ?? 30);
const config = MODEL_PRESETS[preset];
if (!config) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
const backend = await initBackend();
const root = mkdtempSync(path.join(os.tmpdir(), 'compression-bench-'));

const texts = generateProblems({ count: 1500, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text);
const tokenizer = trainBpe(texts, { vocabSize: Math.min(config.vocabSize, 1024) });
const inputDir = path.join(root, 'dense');
const dense = new TinyTitan(config, { seed: 1 });
await saveModelCheckpoint(inputDir, { model: dense, tokenizer });
dense.dispose();

const started = performance.now();
const outcome = await runPipeline({
  phases: [bitnetPhase, compressionPhase],
  runsDir: path.join(root, 'runs'),
  preset,
  seed: 1,
  input: {
    phase: 'evomerge',
    runId: 'bench',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: [{ dir: inputDir, role: 'merged', params: 0, bytes: 0 }],
    metrics: {},
    artifacts: {},
    config: {},
  },
  phaseConfigs: {
    bitnet: { steps, batchSize: 8, evalWindows: 8, evalProblems: 0 },
    compression: { evalWindows: 16, budgetWindows: 4, evalProblems: 8, maxNewTokens: 24 },
  },
  progress: lineProgress((line) => process.stderr.write(`${line}\n`), 25),
});
const seconds = (performance.now() - started) / 1000;
const bitnet = readPhaseResult(path.join(outcome.runDir, phaseDirName('bitnet')));
const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('compression')));
const m = result.metrics;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `## compression bench — preset ${preset} (${m.params} params, BitNet fine-tune ${steps} steps, backend ${backend.choice}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')})`,
);
console.log('');
console.log(`bitnet input: perplexity ${bitnet.metrics.perplexityAfter?.toFixed(3)}, packed file ${kib(m.inputBytes)}`);
console.log(
  `compressed file on disk: ${kib(m.bytes)} = ${m.bitsPerWeight.toFixed(3)} bits/weight overall, ${m.ratioVsInput.toFixed(2)}× smaller than the packed input`,
);
console.log(
  `held-out loss ${m.heldOutLossBefore.toFixed(4)} → ${m.heldOutLossAfter.toFixed(4)}; perplexity ${m.perplexityBefore.toFixed(3)} → ${m.perplexityAfter.toFixed(3)} (${m.perplexityIncreasePct.toFixed(2)}%); accuracy ${m.accuracyBefore ?? 'n/a'} → ${m.accuracyAfter ?? 'n/a'}`,
);
console.log(`both phases: ${seconds.toFixed(0)} s wall`);
console.log('');
console.log(readFileSync(result.artifacts.report, 'utf8'));
rmSync(root, { recursive: true, force: true });

#!/usr/bin/env node
/**
 * Edge latency at a preset scale (small or paper): a random-weight BitNet model (timing does not depend
 * on training), saved packed, then timed in a fresh process per path so each peak RSS is its own:
 *   - packed: ternary layers on core's ForgeTernaryMatMul (2-bit weights, int8 activations; native on the
 *     wasm heap with the addon, JavaScript on the heap with FORGE_NATIVE_KERNELS=0)
 *   - float:  ternary layers dequantized to F32, the backend's matmul
 *   - PyTorch (float): the same architecture in torch.nn (tooling/bench/torch_tinytitan.py `latency`,
 *     Debian's python3-torch at /usr/bin/python3), same config, prompt, lengths and thread count
 * plus a per-layer kernel timing (one token row, and a whole prompt) against the backend's float matMul.
 * The embedding is stored as `embeddingQuant` (default int8-row); bytes on disk are against the fp32 checkpoint.
 *
 *   npx tsup (in packages/edge) && node packages/edge/bench/edge-bench.mjs [tiny|small|paper] [backend] [embeddingQuant]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MODEL_PRESETS,
  Rng,
  bytesOnDisk,
  describeBackend,
  formatProblem,
  generateProblems,
  initBackend,
  saveModelCheckpoint,
  tf,
  trainBpe,
  BitNetSettingsSchema,
  PACKED_FILE,
  bitnetExtension,
  createBitNetModel,
  kernelTernaryMatrix,
  loadPackedModel,
  packTernary,
  ternaryMatMul,
} from '@agent-forge/core';
import {
  generateStreaming,
  loadPackedKernelModel,
  measureLatency,
  percentile,
  writeDeployable,
} from '@agent-forge/edge';
import { torchEnv } from '../../../tooling/bench/torch-env.mjs';

const LENGTHS = { tiny: [32, 24], small: [64, 48], paper: [128, 64] };

const TORCH_SCRIPT = fileURLToPath(new URL('../../../tooling/bench/torch_tinytitan.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

async function startBackend(choice) {
  await initBackend(choice ? { prefer: choice } : {});
  const report = describeBackend();
  return `${report.backend} (threads ${report.threads ?? 'native'}, simd ${report.simd})`;
}

/** The PyTorch float run with the engine's thread count, or why there is none (no torch here). */
function torchLatency(config, preset) {
  const [promptTokens, newTokens] = LENGTHS[preset];
  if (spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0)
    return { error: `${PYTHON} cannot import torch (apt-get install python3-torch)` };
  const threads = describeBackend().threads ?? os.cpus().length;
  const args = [TORCH_SCRIPT, 'latency', JSON.stringify(config), promptTokens, newTokens, 3, 1, threads].map(String);
  return JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8', env: torchEnv() }).trim().split('\n').pop());
}

/** Child mode: time one path on one directory and print JSON. */
async function child(mode, dir, preset, backend) {
  const engine = await startBackend(backend);
  const started = performance.now();
  const { model } = mode === 'packed' ? await loadPackedKernelModel(dir) : await loadPackedModel(dir);
  const loadMs = performance.now() - started;
  const [promptTokens, newTokens] = LENGTHS[preset];
  const rng = Rng.fromSeed(1);
  const prompt = Array.from({ length: promptTokens }, () => rng.int(0, model.config.vocabSize - 1));
  const latency = await measureLatency(model, prompt, { newTokens, runs: 3, warmupRuns: 1 });
  // CPU time of one more run: under contention from other jobs it moves far less than wall time.
  const cpu = process.cpuUsage();
  await generateStreaming(model, prompt, { maxNewTokens: newTokens });
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ engine, loadMs, cpuMsPerRun: (used.user + used.system) / 1000, ...latency }));
}

function kernelTimings(config, promptTokens) {
  const settings = BitNetSettingsSchema.parse({});
  const shapes = [
    [config.dModel, config.dModel],
    [config.dModel, config.dFF],
    [config.dFF, config.dModel],
  ];
  const rng = Rng.fromSeed(2);
  return shapes.map(([inFeatures, outFeatures]) => {
    const ternary = Int8Array.from({ length: inFeatures * outFeatures }, () => rng.int(0, 2) - 1);
    const matrix = kernelTernaryMatrix(packTernary(ternary), inFeatures, outFeatures, 0.05);
    const weight = tf.tensor2d(Float32Array.from(ternary), [inFeatures, outFeatures]);
    const row = tf.tensor2d(
      Float32Array.from({ length: inFeatures }, () => rng.normal(0, 1)),
      [1, inFeatures],
    );
    const prompt = tf.randomNormal([promptTokens, inFeatures], 0, 1, 'float32', 3);
    const timeIt = (fn) => {
      for (let i = 0; i < 20; i++) fn();
      return percentile(
        Array.from({ length: 200 }, () => {
          const t = performance.now();
          fn();
          return performance.now() - t;
        }),
        0.5,
      );
    };
    // wasm kernels run synchronously: the time of the call is the kernel's, with no read back.
    const time = (x, packed) =>
      timeIt(() => tf.dispose(packed ? ternaryMatMul(x, matrix, settings) : tf.matMul(x, weight)));
    const result = {
      inFeatures,
      outFeatures,
      packedMs: time(row, true),
      floatMs: time(row, false),
      packedPromptMs: time(prompt, true),
      floatPromptMs: time(prompt, false),
    };
    tf.dispose([weight, row, prompt]);
    return result;
  });
}

async function main(preset, backend, embeddingQuant = 'int8-row') {
  const config = MODEL_PRESETS[preset];
  if (!config || !LENGTHS[preset]) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
  const engine = await startBackend(backend);
  const model = createBitNetModel(config, { embeddingQuant }, 1);
  const extension = bitnetExtension(model, BitNetSettingsSchema.parse({ embeddingQuant }));
  // The tokenizer is not what is timed; a small one keeps the bench quick (prompts are random ids).
  const tokenizer = trainBpe(
    generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text),
    { vocabSize: 300 },
  );
  const root = mkdtempSync(path.join(os.tmpdir(), 'edge-bench-'));
  const source = path.join(root, 'ternary');
  // Core's `bitnet` save hook writes the packed file with the checkpoint.
  await saveModelCheckpoint(source, { model, tokenizer, extensions: { bitnet: extension } });
  const params = model.parameterCount;
  model.dispose();
  const deploy = await writeDeployable(source, path.join(root, 'deployable'));
  const kernels = kernelTimings(config, LENGTHS[preset][0]);
  const self = fileURLToPath(import.meta.url);
  const run = (mode) =>
    JSON.parse(
      execFileSync(process.execPath, [self, '--child', mode, deploy.dir, preset, backend ?? ''], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop(),
    );
  const results = { packed: run('packed'), float: run('float'), torch: torchLatency(config, preset) };
  const fp32Bytes = statSync(path.join(source, 'model.safetensors')).size;
  print(preset, `${engine}, embedding ${embeddingQuant}`, params, results, kernels, {
    deployable: await bytesOnDisk(deploy.dir),
    packed: statSync(path.join(deploy.dir, PACKED_FILE)).size,
    fp32Bytes,
  });
  rmSync(root, { recursive: true, force: true });
}

function print(preset, engine, params, results, kernels, bytes) {
  const [promptTokens, newTokens] = LENGTHS[preset];
  const f = (value, digits = 2) => value.toFixed(digits);
  const lines = [
    `### edge latency — \`${preset}\` (${(params / 1e6).toFixed(2)}M params), ${engine}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`,
    '',
    `Batch 1, greedy, KV cache, prompt ${promptTokens} tokens, ${newTokens} generated per run, 3 timed runs after 1 warm-up; each path in its own process. Load average at the end: ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' / ')} (1 / 5 / 15 min).`,
    '',
    '| path | load | prompt tok/s | time to first token | ms/token p50 | ms/token p95 | full forward, no cache | peak RSS | CPU time per run (all threads) | bytes on disk |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const LABELS = {
    packed: 'packed ternary kernel (2-bit, int8 act.)',
    float: 'float (dequantized F32, backend matmul)',
    torch: 'PyTorch float (F32, torch.nn)',
  };
  const DISK = { packed: bytes.deployable, float: bytes.deployable, torch: results.torch.bytesOnDisk };
  for (const [name, r] of Object.entries(results)) {
    if (r.error) {
      lines.push(`| ${LABELS[name]} | not measured: ${r.error} |`);
      continue;
    }
    lines.push(
      `| ${LABELS[name]} | ${f(r.loadMs, 0)} ms | ${f(r.promptTokensPerSecond, 0)} | ${f(r.timeToFirstTokenMs)} ms | ${f(r.msPerTokenP50)} ms | ${f(r.msPerTokenP95)} ms | ${f(r.fullForwardMs)} ms | ${f(r.peakRssMb, 0)} MB | ${f(r.cpuMsPerRun, 0)} ms | ${DISK[name]} |`,
    );
  }
  if (!results.torch.error)
    lines.push(
      '',
      `PyTorch: ${results.torch.engine}, BLAS_INFO=${results.torch.blasBuild} (torch.__config__.show()), loading ${results.torch.blasLibrary} (OpenBLAS core ${results.torch.blasCore}); its bytes on disk are its F32 state dict (torch.save). The float path reads the same deployable as the packed one and dequantizes at load.`,
    );
  lines.push(
    '',
    `Bytes on disk: deployable dir ${bytes.deployable} (packed file ${bytes.packed}, ${f(bytes.fp32Bytes / bytes.packed)}× smaller than fp32); the fp32 checkpoint is ${bytes.fp32Bytes}.`,
    '',
  );
  lines.push(
    `Kernel alone (median of 200 calls), one token row and a ${promptTokens}-token prompt:`,
    '',
    '| layer [in, out] | packed, 1 row | float matMul, 1 row | packed, prompt | float matMul, prompt |',
    '|---|---|---|---|---|',
  );
  for (const k of kernels)
    lines.push(
      `| [${k.inFeatures}, ${k.outFeatures}] | ${f(k.packedMs, 3)} ms | ${f(k.floatMs, 3)} ms | ${f(k.packedPromptMs, 3)} ms | ${f(k.floatPromptMs, 3)} ms |`,
    );
  console.log(lines.join('\n'));
}

if (process.argv[2] === '--child')
  await child(process.argv[3], process.argv[4], process.argv[5], process.argv[6] || undefined);
else await main(process.argv[2] ?? 'small', process.argv[3] || undefined, process.argv[4] || undefined);

#!/usr/bin/env node
/**
 * Each compressor on one N(0, 0.02²) matrix [64, 256] (16 384 weights): bits/weight from the stored
 * arrays, relative error, encode and decode time. Prints a markdown table.
 *
 *   npx tsup && node packages/compression/bench/methods-sweep.mjs
 */
import os from 'node:os';
import { Rng } from '@agent-forge/core';
import { bitsPerWeight, getCompressor, parseMethodSettings, relativeError } from '@agent-forge/compression';

const rng = Rng.fromSeed(1);
const shape = [64, 256];
const values = Float32Array.from({ length: 64 * 256 }, () => rng.normal(0, 0.02));
const cases = [
  ['seedlm', { seedCandidates: 256 }],
  ['seedlm', { seedCandidates: 1024 }],
  ['seedlm', { seedCandidates: 4096 }],
  ['seedlm', { seedCandidates: 65535 }],
  ['seedlm', { blockSize: 12, latentDim: 4, seedCandidates: 1024 }],
  ['vptq', {}],
  ['vptq', { residualCodebookSize: 16 }],
  ['hyper', {}],
  ['hyper', { step: 0.1 }],
  ['hyper', { indexBits: 12 }],
  ['hyper', { groupSize: 4, indexBits: 16 }],
  ['rtn', { bits: 3, groupSize: 32 }],
  ['rtn', { bits: 4, groupSize: 32 }],
  ['rtn', { bits: 8 }],
  ['fp16', {}],
];
console.log(
  `## compressors on one N(0, 0.02²) [64, 256] matrix (load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')})`,
);
console.log('');
console.log('| method | settings | bits/weight | rel. error | encode ms | decode ms |');
console.log('|---|---|---|---|---|---|');
for (const [method, settings] of cases) {
  const compressor = getCompressor(method);
  const parsed = parseMethodSettings(method, settings);
  const t0 = performance.now();
  const encoded = compressor.encode(values, shape, parsed, rng.fork(method));
  const t1 = performance.now();
  const decoded = compressor.decode(encoded);
  const t2 = performance.now();
  console.log(
    `| ${method} | ${JSON.stringify(settings)} | ${bitsPerWeight(encoded).toFixed(3)} | ${relativeError(values, decoded).toFixed(4)} | ${(t1 - t0).toFixed(0)} | ${(t2 - t1).toFixed(0)} |`,
  );
}

// Runs the evomerge phase on cognate checkpoints and prints a markdown section of measured figures.
// Usage: node bench/evomerge-bench.mjs <cognate phase dir> [preset=tiny] [generations=50] [threads]
//   (make the input with bench/make-cognate.mjs). Every figure printed is read from the phase's
//   result and its per-generation state; nothing is typed in by hand.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, lineProgress, phaseDirName, readPhaseResult, runPipeline } from '@agent-forge/core';
import { EVOLUTION_STATE_FILE, evomergePhase } from '../dist/index.js';

const [inputDir, preset = 'tiny', generations = '50', threads] = process.argv.slice(2);
if (!inputDir)
  throw new Error('usage: node bench/evomerge-bench.mjs <cognate phase dir> [preset] [generations] [threads]');
const backend = await initBackend(threads === undefined ? {} : { threads: Number(threads) });
const input = readPhaseResult(inputDir);
const runsDir = path.join(os.tmpdir(), 'evomerge-bench-runs');
const started = performance.now();
const outcome = await runPipeline({
  phases: [evomergePhase],
  runsDir,
  preset,
  seed: 0,
  input,
  backend: backend.choice,
  phaseConfigs: { evomerge: { generations: Number(generations) } },
  progress: lineProgress((line) => console.error(line), 10),
});
const wallS = (performance.now() - started) / 1000;
const phaseDir = path.join(outcome.runDir, phaseDirName('evomerge'));
const result = readPhaseResult(phaseDir);
const state = JSON.parse(readFileSync(path.join(phaseDir, EVOLUTION_STATE_FILE), 'utf8'));
const m = result.metrics;
const f = (v, d = 2) => (v === undefined ? 'n/a' : Number(v).toFixed(d));
const history = state.history;
const winner = state.population[0];
console.log(`### evomerge — ${preset}, ${m.generations} generations, population ${state.population.length}`);
console.log('');
console.log(
  `Command: \`node packages/evomerge/bench/evomerge-bench.mjs ${inputDir} ${preset} ${generations}${threads ? ` ${threads}` : ''}\` on ${backend.choice} (${backend.threads ?? '?'} threads), ${os.cpus().length} CPUs, load avg ${os.loadavg()[0].toFixed(1)} at the end. Input: ${input.models.map((x) => x.role).join(', ')} (${input.models[0]?.params} params each).`,
);
console.log('');
console.log('| figure | value |');
console.log('|---|---:|');
console.log(
  `| best fitness, generation 0 → ${m.generations} | ${f(m.initialBestFitness, 4)} → ${f(m.bestFitness, 4)} |`,
);
console.log(`| **gain of the composite** (target +20%) | **${f(m.gainPercent)}%** |`);
console.log(
  `| search-subset perplexity, initial best → best | ${f(m.initialBestPerplexity)} → ${f(m.bestPerplexity)} (${f(m.perplexityReductionPercent)}% lower) |`,
);
console.log(
  `| held-out test perplexity, initial best → best | ${f(m.initialBestTestPerplexity)} → ${f(m.bestTestPerplexity)} (${f(m.testPerplexityReductionPercent)}% lower) |`,
);
console.log(
  `| test perplexity: best source / uniform soup | ${f(m.bestSourceTestPerplexity)} / ${f(m.soupTestPerplexity)} |`,
);
console.log(`| winner | ${winner.method} (depth ${m.bestDepth}) |`);
console.log(
  `| diversity final / mean / min; boosted generations | ${f(m.diversity)} / ${f(m.meanDiversity)} / ${f(m.minDiversity)}; ${m.boostedGenerations} |`,
);
console.log(`| fitness evaluations / cache hits | ${m.evaluations} / ${m.cacheHits} |`);
console.log(
  `| search time; per evaluation | ${f(m.searchSeconds, 0)} s; ${f((m.searchSeconds * 1000) / m.evaluations, 0)} ms |`,
);
console.log(
  `| ms/token (greedy decode) initial best → best | ${f(m.msPerTokenInitialBest, 1)} → ${f(m.msPerTokenBest, 1)} |`,
);
console.log(`| phase wall time | ${f(wallS, 0)} s |`);
console.log('');
console.log(`Best fitness by generation: ${history.map((r) => r.bestFitness.toFixed(4)).join(' ')}`);
console.log(`Run: ${outcome.runDir}`);

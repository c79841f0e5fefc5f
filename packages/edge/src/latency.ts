/**
 * The latency figures of the edge report, measured on whatever backend is active: prompt processing
 * speed, time to first token, ms per generated token (p50, p95) with the KV cache, one full uncached
 * forward for comparison, and the process's peak RSS. Figures for reports and benchmarks only: they
 * depend on the machine and its load, so no test asserts on them.
 */
import { tf } from '@agent-forge/core';
import type { TinyTitan } from '@agent-forge/core';
import { generateStreaming } from './runtime.js';

export interface LatencyOptions {
  /** Tokens generated per timed run (fewer if the context fills first). */
  readonly newTokens: number;
  /** Timed runs; their step timings are pooled for the percentiles. */
  readonly runs: number;
  /** Untimed runs first (JIT, backend kernels, allocations). */
  readonly warmupRuns: number;
}

export interface LatencyReport {
  readonly promptTokens: number;
  readonly generatedTokens: number;
  /** Prompt tokens per second of the prefill (median run). */
  readonly promptTokensPerSecond: number;
  readonly timeToFirstTokenMs: number;
  readonly msPerTokenP50: number;
  readonly msPerTokenP95: number;
  /** One uncached forward over prompt + generated length: what recomputing costs per token. */
  readonly fullForwardMs: number;
  /** The process's peak resident set so far, in MB (the whole process: model, runtime, backend). */
  readonly peakRssMb: number;
}

/** The q-quantile (0…1) of `values` by linear interpolation between order statistics. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
}

function timeFullForward(model: TinyTitan, ids: readonly number[]): number {
  const started = performance.now();
  const logits = tf.tidy(() => model.forward(tf.tensor2d([...ids], [1, ids.length], 'int32')));
  logits.dataSync();
  const elapsed = performance.now() - started;
  logits.dispose();
  return elapsed;
}

/** Greedy generations from `promptIds` (no stop token, so every run generates the same length). */
export async function measureLatency(model: TinyTitan, promptIds: readonly number[], options: LatencyOptions): Promise<LatencyReport> {
  const settings = { maxNewTokens: options.newTokens, temperature: 0 };
  for (let run = 0; run < options.warmupRuns; run++) await generateStreaming(model, promptIds, settings);
  const steps: number[] = [];
  const prefills: number[] = [];
  const firsts: number[] = [];
  let generated: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const summary = await generateStreaming(model, promptIds, settings);
    steps.push(...summary.stepMs);
    prefills.push(summary.prefillMs);
    firsts.push(summary.timeToFirstTokenMs);
    generated = summary.tokens;
  }
  const fullLength = Math.min(model.config.contextLength, promptIds.length + generated.length);
  const fullIds = [...promptIds, ...generated].slice(0, fullLength);
  timeFullForward(model, fullIds);
  const fullForwardMs = percentile([0, 1, 2].map(() => timeFullForward(model, fullIds)), 0.5);
  return {
    promptTokens: promptIds.length,
    generatedTokens: generated.length,
    promptTokensPerSecond: promptIds.length / (percentile(prefills, 0.5) / 1000),
    timeToFirstTokenMs: percentile(firsts, 0.5),
    msPerTokenP50: percentile(steps, 0.5),
    msPerTokenP95: percentile(steps, 0.95),
    fullForwardMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The edge phase's metrics and its human-readable latency report. */
import type { LatencyReport } from './latency.js';
import type { DeploySummary } from './deploy.js';

/** What the edge phase measured: input of {@link phaseMetrics} and {@link phaseReport}. */
export interface EdgeOutcome {
  /** What the deployable directory holds. */
  readonly deploy: DeploySummary;
  /** Size of the whole deployable directory, bytes. */
  readonly bytesOnDisk: number;
  /** Bytes of the packed weight file (0 without ternary layers). */
  readonly packedBytes: number;
  /** Timings on the runtime the deployable model uses: packed kernel when it has ternary layers. */
  readonly main: {
    /** `packed-ternary`: the 2-bit packed kernel ran the ternary layers; `float`: every layer ran as a dense float matmul. */
    readonly path: 'packed-ternary' | 'float';
    /** The timings measured on that path. */
    readonly latency: LatencyReport;
  };
  /** The float path (ternary weights dequantized), when measured separately. */
  readonly float: LatencyReport | null;
  /** The tfjs backend the timings ran on (e.g. `wasm`, `cpu`). */
  readonly backend: string;
  /** The config's budget for one forward pass, ms; `withinForwardBudget` compares the p50 step with it. */
  readonly forwardBudgetMs: number;
  /** Parameters of the main path's model, packed ternary weights included. */
  readonly params: number;
}

const LATENCY_KEYS = [
  'promptTokensPerSecond',
  'timeToFirstTokenMs',
  'msPerTokenP50',
  'msPerTokenP95',
  'fullForwardMs',
  'peakRssMb',
] as const;

/** Flat numeric metrics: the main path's figures plain, the float path's prefixed `float`. */
export function phaseMetrics(outcome: EdgeOutcome): Record<string, number> {
  const metrics: Record<string, number> = {
    bytesOnDisk: outcome.bytesOnDisk,
    packedBytes: outcome.packedBytes,
    packedKernel: outcome.main.path === 'packed-ternary' ? 1 : 0,
    params: outcome.params,
    withinForwardBudget: outcome.main.latency.msPerTokenP50 < outcome.forwardBudgetMs ? 1 : 0,
  };
  for (const key of LATENCY_KEYS) {
    metrics[key] = outcome.main.latency[key];
    if (outcome.float) metrics[`float${key[0]?.toUpperCase()}${key.slice(1)}`] = outcome.float[key];
  }
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => Number.isFinite(value)));
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

function row(label: string, latency: LatencyReport): string {
  return `| ${label} | ${latency.promptTokensPerSecond.toFixed(0)} | ${ms(latency.timeToFirstTokenMs)} | ${ms(latency.msPerTokenP50)} | ${ms(latency.msPerTokenP95)} | ${ms(latency.fullForwardMs)} | ${latency.peakRssMb.toFixed(0)} MB |`;
}

/** Markdown report: the table, the budget verdict, and what the deployable directory holds. */
export function phaseReport(outcome: EdgeOutcome): string {
  const { main, float, deploy } = outcome;
  const verdict = main.latency.msPerTokenP50 < outcome.forwardBudgetMs ? 'within' : 'over';
  const lines = [
    '# edge (local inference runtime)',
    '',
    `Backend: ${outcome.backend}. Prompt ${main.latency.promptTokens} tokens, ${main.latency.generatedTokens} generated per run, greedy, batch 1, KV cache.`,
    '',
    '| path | prompt tok/s | time to first token | ms/token p50 | ms/token p95 | full forward (no cache) | peak RSS |',
    '|---|---|---|---|---|---|---|',
    row(
      main.path === 'packed-ternary' ? 'packed ternary kernel (2-bit weights, int8 activations)' : 'float',
      main.latency,
    ),
    ...(float ? [row('float (ternary dequantized to F32, backend matmul)', float)] : []),
    '',
    `Budget: one cached token takes ${ms(main.latency.msPerTokenP50)} (p50), ${verdict} the ${outcome.forwardBudgetMs} ms per forward pass budget; a full uncached forward takes ${ms(main.latency.fullForwardMs)}.`,
    'Peak RSS is the whole process so far (it includes every path timed before), not one path alone.',
    '',
    `Deployable model: ${deploy.dir} — ${outcome.bytesOnDisk} bytes on disk (packed weights ${outcome.packedBytes} bytes).`,
    `Holds: config.json, tokenizer.json${deploy.packedFile ? `, ${deploy.packedFile}` : ''}${deploy.hasLatentWeights ? ', model.safetensors' : ''}${deploy.hasAdapters ? ', adapters/' : ''}.`,
    deploy.packedWritten ? 'The input had no packed file; it was packed here from the latent weights.' : '',
    deploy.hasAdapters
      ? "Persona adapters are served through core's adapter loader on the float path; the timings above are the base model's."
      : '',
    '',
  ];
  return lines.filter((line, index) => line !== '' || lines[index - 1] !== '').join('\n');
}

/**
 * What a bake achieved, measured on held-out inputs: the KL to the prompted model without and with
 * the adapter, the time saved by not processing the prompt, and for tools how often a generation
 * shows the convention's marker.
 */
import { generate } from '@agent-forge/core';
import type { BpeTokenizer, LoraAdapters, TinyTitan } from '@agent-forge/core';
import { meanKl } from './kl.js';
import { sampleContinuations } from './sample-batch.js';
import type { SamplingSettings, Trajectory } from './trajectories.js';

/** Held-out KL of one bake: how far the unprompted model is from the prompted one, before and after baking. */
export interface KlReport {
  /** Mean per-token KL(prompted ‖ base, no prompt), nats. */
  readonly klBase: number;
  /** Mean per-token KL(prompted ‖ baked, no prompt), nats. */
  readonly klBaked: number;
  /** 100·(1 − klBaked/klBase). */
  readonly klReductionPct: number;
}

/**
 * Mean per-token KL(prompted ‖ unprompted) on `heldOut`, with no adapter and with adapter `name`,
 * evaluated `batchSize` trajectories at a time.
 */
export function klReport(
  model: TinyTitan,
  adapters: LoraAdapters,
  name: string,
  promptIds: readonly number[],
  heldOut: readonly Trajectory[],
  batchSize: number,
): KlReport {
  const klBase = meanKl(model, adapters, promptIds, heldOut, null, batchSize);
  const klBaked = meanKl(model, adapters, promptIds, heldOut, name, batchSize);
  return { klBase, klBaked, klReductionPct: 100 * (1 - klBaked / klBase) };
}

/** Mean generation time with the prompt (base model) vs without it (baked), ms; see {@link measureLatency}. */
export interface LatencyReport {
  /** Mean ms to prefill prompt + input and greedily generate `newTokens` with the base model. */
  readonly promptedMs: number;
  /** The same for the baked model on the input alone. */
  readonly bakedMs: number;
  /** promptedMs − bakedMs; negative when the adapter's matmuls cost more than the prompt tokens saved. */
  readonly savedMs: number;
  /** Tokens generated per timed run. */
  readonly newTokens: number;
}

/**
 * Times generation with the prompt (base model) against without it (adapter active), same inputs and
 * token count, after one untimed warm-up of each. A measurement for the report, not a guarantee: the
 * adapter's extra matmuls cost time too, and on a tiny model the saving can be within noise.
 */
export async function measureLatency(
  model: TinyTitan,
  adapters: LoraAdapters,
  name: string,
  promptIds: readonly number[],
  inputs: readonly (readonly number[])[],
  newTokens: number,
): Promise<LatencyReport | null> {
  if (inputs.length === 0) return null;
  const previous = adapters.active;
  const run = async (adapter: string | null, prefix: readonly number[], input: readonly number[]): Promise<number> => {
    adapters.activate(adapter);
    const started = performance.now();
    await generate(model, [...prefix, ...input], { maxNewTokens: newTokens });
    return performance.now() - started;
  };
  try {
    await run(null, promptIds, inputs[0] as number[]);
    await run(name, [], inputs[0] as number[]);
    let prompted = 0;
    let baked = 0;
    for (const input of inputs) {
      prompted += await run(null, promptIds, input);
      baked += await run(name, [], input);
    }
    const promptedMs = prompted / inputs.length;
    const bakedMs = baked / inputs.length;
    return { promptedMs, bakedMs, savedMs: promptedMs - bakedMs, newTokens };
  } finally {
    adapters.activate(previous);
  }
}

/** Share (0–1) of held-out generations containing a tool's marker, per model variant. */
export interface MarkerRates {
  /** Base model, no prompt. */
  readonly base: number;
  /** Base model with the prompt (the held-out trajectories themselves). */
  readonly prompted: number;
  /** Adapter active, no prompt. */
  readonly baked: number;
}

/**
 * Share of generations containing `marker`: prompted = the held-out trajectories themselves (sampled
 * from the prompted model); base and baked are sampled without the prompt with the same seeds.
 */
export async function markerRates(
  model: TinyTitan,
  adapters: LoraAdapters,
  name: string,
  tokenizer: BpeTokenizer,
  heldOut: readonly Trajectory[],
  sampling: SamplingSettings,
  marker: string,
): Promise<MarkerRates> {
  const share = (continuations: readonly (readonly number[])[]): number =>
    continuations.filter((tokens) => tokenizer.decode(tokens).includes(marker)).length /
    Math.max(1, continuations.length);
  const previous = adapters.active;
  const unprompted = async (adapter: string | null): Promise<number[][]> => {
    adapters.activate(adapter);
    return sampleContinuations(
      model,
      heldOut.map((row) => row.input),
      sampling,
    );
  };
  try {
    const base = share(await unprompted(null));
    const baked = share(await unprompted(name));
    return { base, prompted: share(heldOut.map((row) => row.continuation)), baked };
  } finally {
    adapters.activate(previous);
  }
}

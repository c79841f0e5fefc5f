/**
 * The block runner of the cognate models: Titans MAL ("memory as a layer") followed by ACT over the
 * block stack. The neural memory is the first layer — its read is added to the residual stream — and
 * the whole stack of attention blocks is then the recurrent transition ACT ponders over.
 *
 * Training forwards start every row from the learned W_0. With a KV cache (decoding), the memory state
 * and the keys/values of ponder steps ≥ 2 live in a session tied to that cache object, so a prompt
 * prefill followed by one token at a time equals the full forward; a new (or emptied) cache starts fresh.
 * One decoding session per model at a time: alternating two caches restarts the memory on each switch.
 */
import { tf } from '../backend/tf.js';
import { Rng } from '../rng/rng.js';
import { ponder, HaltingUnit } from './act.js';
import type { Block, BlockContext, BlockRunner } from './block.js';
import type { KvCache, LayerKvCache } from './cache.js';
import type { ModelConfig } from './config.js';
import { NeuralMemory, type MemoryState } from './memory.js';
import { parseTitanSettings, type TitanSettings } from './titan-settings.js';
import { mergeWeights, type NamedVariables } from './weights.js';

/** Statistics of the last forward pass, read from the backend. */
export interface TitanForwardStats {
  /** Mean N over positions (1 when ACT is off). */
  readonly meanPonderSteps: number;
  /** Largest N of any position (1 when ACT is off). */
  readonly maxPonderSteps: number;
  /** Mean N + R over positions: the ponder cost before τ. */
  readonly ponderCost: number;
  /** Tokens whose surprise passed the gate, and tokens seen (0 and 0 when the memory is off). */
  readonly memoryWrites: number;
  /** Tokens the memory saw (0 when the memory is off); the denominator of `memoryWrites`. */
  readonly memoryTokens: number;
  /** Mean relative retrieval error ‖kW − v‖ over the tokens (0 when the memory is off). */
  readonly meanSurprise: number;
  /** N per position, row-major `[B, T]`. */
  readonly ponderSteps: Float32Array;
}

interface Session {
  readonly cache: KvCache;
  /** Keys/values of ponder step n ≥ 2 at index n − 2, one slot per block. */
  readonly stepCaches: LayerKvCache[][];
  memory: MemoryState | null;
}

interface KeptStats {
  readonly steps: tf.Tensor2D;
  readonly ponderCost: tf.Scalar;
  readonly writes: tf.Scalar | null;
  readonly meanSurprise: tf.Scalar | null;
  readonly tokens: number;
  readonly passes: number;
}

/**
 * The ACT + long-term-memory block runner: a memory read added to the stream, then ACT pondering over the whole block stack.
 * Build models with it through `createTitanModel` or the `titan` extension.
 */
export class TitanRunner implements BlockRunner {
  /** The parsed settings, `memory.dim` resolved (dModel when not given); what `titanExtensions` saves. */
  readonly settings: TitanSettings & {
    /** The memory settings, with `dim` always set. */
    memory: {
      /** Width of the memory (keys, values, queries): the given `memory.dim`, else the model's dModel. */
      dim: number;
    };
  };
  /** The ACT halting unit (`act.halt.*` weights). */
  readonly halting: HaltingUnit;
  /** The long-term memory (`memory.*` weights); built even when disabled, so the weights stay loadable. */
  readonly memory: NeuralMemory;
  /** Halting and memory weights by checkpoint name; they become part of the model's `namedWeights()`. */
  readonly weights: NamedVariables;
  private session: Session | null = null;
  private last: KeptStats | null = null;

  /** `seed` seeds the halting unit and memory weights (each by its own name, as the model's weights). */
  constructor(config: ModelConfig, settings: unknown = {}, seed = 0) {
    const parsed = parseTitanSettings(settings);
    this.settings = { ...parsed, memory: { ...parsed.memory, dim: parsed.memory.dim ?? config.dModel } };
    const init = { rng: Rng.fromSeed(seed) };
    this.halting = new HaltingUnit('act.halt', config.dModel, init);
    this.memory = new NeuralMemory('memory', config, this.settings.memory.dim, init);
    this.weights = mergeWeights(this.halting, this.memory);
  }

  /** Memory read, then up to `act.maxSteps` passes of the block stack, mixed by halting probabilities; keeps stats for `lastStats()` and the ponder cost. */
  run(x: tf.Tensor3D, blocks: readonly Block[], context: BlockContext): tf.Tensor3D {
    const session = this.sessionFor(context.cache, blocks.length);
    let stream = x;
    let writes: tf.Scalar | null = null;
    let meanSurprise: tf.Scalar | null = null;
    if (this.settings.memory.enabled) {
      const remembered = this.remember(x, session);
      stream = tf.add(x, remembered.read);
      writes = remembered.writes;
      meanSurprise = tf.mean(remembered.surprise) as tf.Scalar;
    }
    const { act } = this.settings;
    const transition = (state: tf.Tensor3D, step: number) =>
      blocks.reduce((s, block) => block.apply(s, context, this.layerCache(context, session, step, block.index)), state);
    const halting = (state: tf.Tensor3D) => this.halting.probability(state);
    const maxSteps = act.enabled ? act.maxSteps : 1;
    const outcome = ponder(stream, halting, transition, {
      threshold: act.threshold,
      maxSteps,
      stopWhenAllHalted: context.cache === null,
    });
    this.keepStats({
      steps: outcome.steps,
      ponderCost: tf.mean(tf.add(outcome.steps, outcome.remainders)),
      writes,
      meanSurprise,
      tokens: x.shape[0] * x.shape[1],
      passes: outcome.passes,
    });
    return outcome.output;
  }

  /**
   * The ponder cost mean(N + R) of the last forward, still on the gradient tape: the training loss
   * adds τ times it (see `ponderingLoss`). Owned by the runner; valid until the next forward.
   */
  lastPonderCost(): tf.Scalar | null {
    return this.last?.ponderCost ?? null;
  }

  /**
   * Passes of the whole block stack the last forward made (1 before any forward). Every position is
   * transformed at every pass, so a forward costs this many times a plain one in the blocks; no backend sync.
   */
  lastBlockPasses(): number {
    return this.last?.passes ?? 1;
  }

  /** Reads the last forward's ponder and memory statistics (a backend sync). */
  lastStats(): TitanForwardStats {
    const last = this.last;
    if (!last)
      return {
        meanPonderSteps: 0,
        maxPonderSteps: 0,
        ponderCost: 0,
        memoryWrites: 0,
        memoryTokens: 0,
        meanSurprise: 0,
        ponderSteps: new Float32Array(),
      };
    const steps = last.steps.dataSync() as Float32Array;
    let sum = 0;
    let max = 0;
    for (const value of steps) {
      sum += value;
      max = Math.max(max, value);
    }
    const writes = last.writes ? (last.writes.dataSync()[0] ?? 0) : 0;
    const ponderCost = last.ponderCost.dataSync()[0] ?? 0;
    const meanSurprise = last.meanSurprise ? (last.meanSurprise.dataSync()[0] ?? 0) : 0;
    return {
      meanPonderSteps: sum / steps.length,
      maxPonderSteps: max,
      ponderCost,
      memoryWrites: writes,
      memoryTokens: last.writes ? last.tokens : 0,
      meanSurprise,
      ponderSteps: steps,
    };
  }

  /** The committed memory `[B, dim, dim]` of the current decoding session (a copy), or null. */
  sessionMemory(): tf.Tensor3D | null {
    const memory = this.session?.memory?.memory;
    return memory ? tf.clone(memory) : null;
  }

  dispose(): void {
    this.endSession();
    this.disposeStats();
  }

  private remember(x: tf.Tensor3D, session: Session | null) {
    const { memory: settings } = this.settings;
    const start = session?.memory ?? this.memory.initialState(x.shape[0]);
    const scan = this.memory.scan(x, start, settings);
    if (session) {
      keepState(scan.state);
      if (session.memory) disposeState(session.memory, scan.state);
      session.memory = scan.state;
    }
    return scan;
  }

  private layerCache(context: BlockContext, session: Session | null, step: number, layer: number): LayerKvCache | null {
    if (!context.cache || !session) return null;
    if (step === 1) return context.cache.layers[layer] ?? null;
    return session.stepCaches[step - 2]?.[layer] ?? null;
  }

  private sessionFor(cache: KvCache | null, layers: number): Session | null {
    if (!cache) return null;
    if (this.session?.cache === cache && cache.length > 0) return this.session;
    this.endSession();
    const extraSteps = this.settings.act.enabled ? this.settings.act.maxSteps - 1 : 0;
    const stepCaches = Array.from({ length: extraSteps }, () =>
      Array.from({ length: layers }, () => ({ keys: null, values: null })),
    );
    this.session = { cache, stepCaches, memory: null };
    return this.session;
  }

  private endSession(): void {
    if (!this.session) return;
    for (const slot of this.session.stepCaches.flat()) {
      slot.keys?.dispose();
      slot.values?.dispose();
    }
    if (this.session.memory) disposeState(this.session.memory, null);
    this.session = null;
  }

  private keepStats(stats: KeptStats): void {
    this.disposeStats();
    tf.keep(stats.steps);
    tf.keep(stats.ponderCost);
    if (stats.writes) tf.keep(stats.writes);
    if (stats.meanSurprise) tf.keep(stats.meanSurprise);
    this.last = stats;
  }

  private disposeStats(): void {
    if (!this.last) return;
    this.last.steps.dispose();
    this.last.ponderCost.dispose();
    this.last.writes?.dispose();
    this.last.meanSurprise?.dispose();
    this.last = null;
  }
}

function stateTensors(state: MemoryState): tf.Tensor[] {
  const tensors: Array<tf.Tensor | null> = [state.memory, state.momentum, state.pendingGradient, state.pendingInputSum];
  return tensors.filter((tensor): tensor is tf.Tensor => tensor !== null);
}

function keepState(state: MemoryState): void {
  for (const tensor of stateTensors(state)) tf.keep(tensor);
}

/** Frees `state`'s tensors except those `next` still holds (a state passes unchanged tensors on). */
function disposeState(state: MemoryState, next: MemoryState | null): void {
  const kept = new Set(next ? stateTensors(next) : []);
  for (const tensor of stateTensors(state)) if (!kept.has(tensor)) tensor.dispose();
}

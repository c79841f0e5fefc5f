/**
 * A cognate model (the `titan` extension: Titans long-term memory + ACT) as a plain Llama, in a documented
 * approximation — no Llama, GGUF or ONNX decoder graph has data-dependent depth or a memory written at
 * inference time:
 *
 * - **ACT unrolled to a fixed depth D.** Ours applies the block stack up to `act.maxSteps` times and mixes the
 *   states by each position's halting probabilities; the export applies it exactly D times (nLayers·D Llama
 *   layers, the weights repeated). D is chosen by measurement (see export-plan.ts) or given.
 * - **Memory frozen at its learned initial state W_0.** Tokens of the first chunk read W_0, and that read
 *   depends on the token's embedding alone, so it folds into the input embedding (`embed + read(embed)`)
 *   while the head keeps the original embedding (the export unties it). Exact for the first `chunkSize`
 *   positions; later chunks read a memory our runtime has written, which the export does not have. Where the
 *   head must be the embedding (llama.cpp's `bitnet` graph) the memory is dropped instead.
 */
import { ForgeError, TitanRunner, parseTitanSettings, tf } from '@agent-forge/core';
import type { ModelConfig, TinyTitan, TitanSettings } from '@agent-forge/core';
import { transpose, type HostWeight } from './llama-layout.js';

/** A model's weights (host copies, our names and layout) with the config they fit. */
export interface HostModel {
  /** The architecture the weights fit. */
  readonly config: ModelConfig;
  /** Every weight by our checkpoint name, `[in, out]` matrices. */
  readonly weights: ReadonlyMap<string, HostWeight>;
}

/** The checkpoint's `extensions.titan`, parsed with core's schema (defaults filled in). */
export function titanSettings(record: unknown): TitanSettings {
  return parseTitanSettings(record);
}

/** The model's ACT/memory runner; a ForgeError naming `extensions.titan` when it was built without one. */
export function titanRunner(model: TinyTitan): TitanRunner {
  if (model.blockRunner instanceof TitanRunner) return model.blockRunner;
  throw new ForgeError(
    'extensions.titan is set, but the model was built without its ACT/memory runner: load it with its checkpoint extensions (core buildModel / loadModelCheckpoint)',
    { field: 'extensions.titan' },
  );
}

/** Rows of the embedding read per memory scan: each row is its own sequence of `chunkSize` tokens. */
const ROWS_PER_SCAN = 8;

/**
 * The memory read `[vocab, dModel]` each token gets at a position of the first chunk (memory W_0), through
 * the model's own `NeuralMemory.scan`: the vocabulary is cut into sequences of `chunkSize` tokens, each
 * scanned from a fresh state, so every token reads W_0.
 */
export function embeddingMemoryReads(model: TinyTitan): Float32Array {
  const runner = titanRunner(model);
  const { vocabSize, dModel } = model.config;
  const chunk = runner.settings.memory.chunkSize;
  const out = new Float32Array(vocabSize * dModel);
  const rowsPerScan = ROWS_PER_SCAN * chunk;
  for (let first = 0; first < vocabSize; first += rowsPerScan) {
    const count = Math.min(rowsPerScan, vocabSize - first);
    const sequences = Math.ceil(count / chunk);
    const read = tf.tidy(() => {
      const rows = tf.slice(model.embed, [first, 0], [count, dModel]);
      const padded = tf.pad(rows, [
        [0, sequences * chunk - count],
        [0, 0],
      ]);
      const state = runner.memory.initialState(sequences);
      const scan = runner.memory.scan(
        tf.reshape(padded, [sequences, chunk, dModel]) as tf.Tensor3D,
        state,
        runner.settings.memory,
      );
      return tf.slice(tf.reshape(scan.read, [sequences * chunk, dModel]), [0, 0], [count, dModel]);
    });
    out.set(read.dataSync() as Float32Array, first * dModel);
    read.dispose();
  }
  return out;
}

/** Block-weight names of block `index`, renamed to block `to`. */
function renameBlock(name: string, to: number): string {
  return name.replace(/^blocks\.\d+\./, `blocks.${to}.`);
}

/**
 * The plain Llama weights of a titan model: ACT and memory weights removed, the block stack repeated
 * `depth` times, and — when `memoryReads` is given — the memory read folded into an untied input embedding.
 */
export function unrollTitan(model: HostModel, depth: number, memoryReads: Float32Array | null): HostModel {
  const { config, weights } = model;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new ForgeError(`the ACT depth must be a positive integer, got ${depth}`, { field: 'actDepth' });
  }
  const out = new Map<string, HostWeight>();
  for (const [name, weight] of weights) {
    if (name.startsWith('act.') || name.startsWith('memory.')) continue;
    const block = /^blocks\.(\d+)\./.exec(name);
    if (!block) {
      out.set(name, weight);
      continue;
    }
    for (let pass = 0; pass < depth; pass++)
      out.set(renameBlock(name, pass * config.nLayers + Number(block[1])), weight);
  }
  const unrolled = { ...config, nLayers: config.nLayers * depth };
  if (memoryReads === null) return { config: unrolled, weights: out };
  const embed = weights.get('embed.weight') as HostWeight;
  if (config.tiedEmbeddings) {
    out.set('head.weight', {
      shape: [config.dModel, config.vocabSize],
      data: transpose(embed.data, config.vocabSize, config.dModel),
    });
  }
  out.set('embed.weight', {
    shape: embed.shape,
    data: embed.data.map((value, i) => value + (memoryReads[i] as number)),
  });
  return { config: { ...unrolled, tiedEmbeddings: false }, weights: out };
}

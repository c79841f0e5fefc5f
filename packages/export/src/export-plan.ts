/**
 * What a format receives of a model: its weights after the documented approximations of the extensions
 * a Llama graph lacks (titan-export.ts, bitnet-float.ts), the graph rebuilt in our runtime to measure them
 * (agreement.ts), and the ACT depth chosen by that measurement.
 */
import { ForgeError, TinyTitan, tf } from '@agent-forge/core';
import type { BpeTokenizer, LinearFactory } from '@agent-forge/core';
import { nextTokenAgreement, measureAgreement, probeIds, type Agreement } from './agreement.js';
import {
  InverseRmsMeans,
  bitnetGraphLinears,
  foldBitLinearInputNorms,
  repeatedTernaryLayers,
  scaleLayers,
} from './bitnet-float.js';
import type { HostWeight } from './llama-layout.js';
import { embeddingMemoryReads, titanRunner, titanSettings, unrollTitan, type HostModel } from './titan-export.js';

/** One way the exported model differs from ours, in words shown to the user. */
export interface ExportApproximation {
  /** The extension it concerns (`titan`, `bitnet`). */
  readonly extension: string;
  /** What the export does instead. */
  readonly description: string;
}

/** The model as a format writes it. */
export interface ExportPlan extends HostModel {
  /** The BitNet record with `ternaryLayers` renamed to the exported layers; only for llama.cpp's `bitnet` graph. */
  readonly bitnet?: Readonly<Record<string, unknown>>;
  /** How the export differs from ours; empty when it is exact. */
  readonly approximations: readonly ExportApproximation[];
  /** The ACT depth the block stack was unrolled to (titan models). */
  readonly actDepth?: number;
  /** The exported graph's linear layers in our runtime (default dense). */
  readonly createLinear?: LinearFactory;
}

/** How a model is planned. */
export interface PlanOptions {
  /** The format writes BitNet models as llama.cpp's `bitnet` graph (ternary kept, head = embedding). */
  readonly bitnetGraph: boolean;
  /** ACT depth; measured (the best next-token agreement over 1 … act.maxSteps) when not given. */
  readonly actDepth?: number;
  /** Measure the agreement of an approximated plan with ours; default true. */
  readonly measure?: boolean;
}

/** The model's weights as host copies. */
export function hostWeights(model: TinyTitan): Map<string, HostWeight> {
  const weights = new Map<string, HostWeight>();
  for (const [name, variable] of model.namedWeights()) {
    weights.set(name, { shape: variable.shape, data: variable.dataSync() as Float32Array });
  }
  return weights;
}

function titanPlan(
  model: TinyTitan,
  host: HostModel,
  record: unknown,
  depth: number,
  foldMemory: boolean,
): { host: HostModel; notes: ExportApproximation[] } {
  titanRunner(model);
  const { act, memory } = titanSettings(record);
  const notes: ExportApproximation[] = [];
  if (act.enabled) {
    notes.push({
      extension: 'titan',
      description: `ACT unrolled to a fixed depth of ${depth} (the ${model.config.nLayers}-block stack repeated: ${model.config.nLayers * depth} layers); ours mixes up to ${act.maxSteps} passes by halting probability`,
    });
  }
  const fold = memory.enabled && foldMemory;
  if (memory.enabled) {
    notes.push({
      extension: 'titan',
      description: fold
        ? `long-term memory frozen at its learned initial state, folded into an untied input embedding: exact for the first ${memory.chunkSize} positions, later ones miss what ours writes`
        : "long-term memory dropped (llama.cpp's bitnet graph reads its head from the embedding, so the read cannot fold into it)",
    });
  }
  return {
    host: unrollTitan(host, act.enabled ? depth : 1, fold ? embeddingMemoryReads(model) : null),
    notes,
  };
}

/** A BitNet record whose BitLinear layers do not normalise their input (nothing to fold then). */
function hasInputNormOff(record: unknown): boolean {
  const settings = (record as { settings?: { inputNorm?: unknown } }).settings;
  return settings?.inputNorm === 'none';
}

/** What is exported: the model as `forge chat` runs it, its tokenizer and its checkpoint's extensions. */
export interface PlanSource {
  /** The model (see `ExportSource.model`). */
  readonly model: TinyTitan;
  /** Its tokenizer (the probe texts are encoded with it). */
  readonly tokenizer: BpeTokenizer;
  /** The checkpoint's `extensions`. */
  readonly extensions: Readonly<Record<string, unknown>>;
}

/**
 * W_o and W_down scaled by the mean 1/rms of their inputs over the probe texts, measured in llama.cpp's
 * `bitnet` graph of `host` (which normalises there as BitLinear does): a plain Llama's stand-in for the norm.
 */
function calibratedSubNorms(host: HostModel, tokenizer: BpeTokenizer): HostModel {
  const means = new InverseRmsMeans();
  const createLinear = bitnetGraphLinears(host.config, (layer, input) => means.add(layer, input, host.config.normEps));
  const probe = candidateModel({ ...host, approximations: [], createLinear });
  try {
    for (const ids of probeIds(tokenizer, host.config.contextLength)) {
      tf.tidy(() => probe.forward(tf.tensor2d([ids], [1, ids.length], 'int32')));
    }
  } finally {
    probe.dispose();
  }
  return { config: host.config, weights: scaleLayers(host.weights, means.means()) };
}

/** The plan of `source` at ACT depth `options.actDepth`. */
export function planExport(source: PlanSource, options: PlanOptions & { readonly actDepth: number }): ExportPlan {
  const { model, extensions } = source;
  let host: HostModel = { config: model.config, weights: hostWeights(model) };
  const approximations: ExportApproximation[] = [];
  const bitnet = extensions.bitnet as { ternaryLayers?: unknown } | undefined;
  if (extensions.titan !== undefined) {
    const titan = titanPlan(model, host, extensions.titan, options.actDepth, !(bitnet && options.bitnetGraph));
    host = titan.host;
    approximations.push(...titan.notes);
  }
  if (bitnet === undefined) return { ...host, approximations, actDepth: options.actDepth };
  if (!hasInputNormOff(bitnet)) host = { config: host.config, weights: foldBitLinearInputNorms(host.weights) };
  approximations.push({
    extension: 'bitnet',
    description: options.bitnetGraph
      ? "BitLinear's input norm before W_q/W_k/W_v/W_gate/W_up folded into the block norms' gains (g / rms(g)); activations not quantized per token (TQ2_0: 8 bits per block of 256)"
      : "ternary weights dequantized (W_q·γ) into a float Llama; BitLinear's input norm folded into the block norms (g / rms(g)) before W_q/W_k/W_v/W_gate/W_up and replaced by a constant (the mean 1/rms over the probe texts) before W_o/W_down; no 8-bit activation quantization",
  });
  if (!options.bitnetGraph) {
    if (!hasInputNormOff(bitnet)) host = calibratedSubNorms(host, source.tokenizer);
    return { ...host, approximations, actDepth: options.actDepth };
  }
  const layers = Array.isArray(bitnet.ternaryLayers) ? (bitnet.ternaryLayers as string[]) : [];
  const depth = host.config.nLayers / model.config.nLayers;
  return {
    ...host,
    approximations,
    actDepth: options.actDepth,
    bitnet: { ...bitnet, ternaryLayers: repeatedTernaryLayers(layers, model.config.nLayers, depth) },
    createLinear: bitnetGraphLinears(host.config),
  };
}

/** The plan's graph as a TinyTitan in our runtime (owned by the caller). */
export function candidateModel(plan: ExportPlan): TinyTitan {
  const model = new TinyTitan(plan.config, { createLinear: plan.createLinear });
  const tensors = new Map([...plan.weights].map(([name, weight]) => [name, tf.tensor(weight.data, [...weight.shape])]));
  try {
    model.loadWeights(tensors);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    for (const tensor of tensors.values()) tensor.dispose();
  }
  return model;
}

/** The ACT depth in 1 … act.maxSteps whose export agrees best with ours on the probe texts (teacher-forced). */
function measuredActDepth(
  model: TinyTitan,
  extensions: Readonly<Record<string, unknown>>,
  tokenizer: BpeTokenizer,
  options: PlanOptions,
): number {
  const { act } = titanSettings(extensions.titan);
  if (!act.enabled) return 1;
  const texts = probeIds(tokenizer, model.config.contextLength);
  let best = { depth: 1, equal: -1 };
  for (let depth = 1; depth <= act.maxSteps; depth++) {
    const candidate = candidateModel(planExport({ model, extensions, tokenizer }, { ...options, actDepth: depth }));
    try {
      const { equal } = nextTokenAgreement(model, candidate, texts);
      if (equal > best.equal) best = { depth, equal };
    } finally {
      candidate.dispose();
    }
  }
  return best.depth;
}

/** The plan, and — when it approximates — its agreement with ours, measured on the probe texts. */
export async function planMeasuredExport(
  source: PlanSource,
  options: PlanOptions,
): Promise<{
  /** The plan at the chosen ACT depth. */
  plan: ExportPlan;
  /** Its agreement with ours; absent when the plan is exact or `measure` is false. */
  agreement?: Agreement;
}> {
  const { model, tokenizer, extensions } = source;
  if (options.actDepth !== undefined && extensions.titan === undefined) {
    throw new ForgeError('actDepth is for models with ACT (the titan extension); this model has none', {
      field: 'actDepth',
    });
  }
  const actDepth =
    options.actDepth ?? (extensions.titan === undefined ? 1 : measuredActDepth(model, extensions, tokenizer, options));
  const plan = planExport(source, { ...options, actDepth });
  if (plan.approximations.length === 0 || options.measure === false) return { plan };
  const candidate = candidateModel(plan);
  try {
    return { plan, agreement: await measureAgreement(model, candidate, tokenizer) };
  } finally {
    candidate.dispose();
  }
}

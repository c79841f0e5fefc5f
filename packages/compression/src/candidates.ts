/**
 * Encoding one tensor with every configured candidate (a method plus its settings) and measuring each:
 * stored bytes, bits/weight, relative error of the decoded values and encode time.
 */
import type { Rng } from '@agent-forge/core';
import { bitsPerWeight, relativeError, storedBytes, type EncodeContext, type EncodedTensor } from './compressor.js';
import { getCompressor } from './registry.js';

/** One configured way to store a tensor. `label` names it in reports (e.g. `seedlm-4bit`). */
export interface CandidateSpec {
  /** Report name, unique within a run (e.g. `seedlm-4bit`). */
  readonly label: string;
  /** Registered compressor name. */
  readonly method: string;
  /** The method's settings, already parsed by its `settingsSchema`. */
  readonly settings: unknown;
  /** Only for 2-D tensors of at least `minElements` weights (the paper methods); else any tensor. */
  readonly matricesOnly: boolean;
}

/** One candidate's encoding of one tensor, with its measured cost and error. */
export interface TensorCandidate {
  /** The candidate's label. */
  readonly label: string;
  /** What would be written to the file. */
  readonly encoded: EncodedTensor;
  /** Stored array bytes (metadata not counted). */
  readonly bytes: number;
  /** Stored bits per original weight, codebooks and scales included. */
  readonly bitsPerWeight: number;
  /** ‖W − Ŵ‖/‖W‖ of the decoded values. */
  readonly relativeError: number;
  /** Whether the method is exact; the ladder always ends at a lossless candidate. */
  readonly lossless: boolean;
  /** Wall time of `encode`, ms. */
  readonly encodeMs: number;
}

/** The candidates for one weight tensor and the budget's current choice among them. */
export interface TensorPlan {
  /** Weight name, e.g. `blocks.0.attn.q.weight`. */
  readonly name: string;
  /** The tensor's shape (`[in, out]` for a linear weight). */
  readonly shape: readonly number[];
  /** Every candidate that accepted the tensor (for the per-method report). */
  readonly all: readonly TensorCandidate[];
  /** Within the error budget, smallest first, ending with the first lossless one (always present). */
  readonly ladder: readonly TensorCandidate[];
  /** Index into `ladder` of the current choice. */
  chosen: number;
}

const FALLBACK: CandidateSpec = { label: 'fp32', method: 'fp32', settings: {}, matricesOnly: false };

function encodeCandidate(
  spec: CandidateSpec,
  values: Float32Array,
  shape: readonly number[],
  rng: Rng,
  context: EncodeContext | undefined,
): TensorCandidate {
  const compressor = getCompressor(spec.method);
  const started = performance.now();
  const encoded = compressor.encode(values, shape, spec.settings, rng, context);
  const encodeMs = performance.now() - started;
  const decoded = compressor.decode(encoded);
  return {
    label: spec.label,
    encoded,
    bytes: storedBytes(encoded),
    bitsPerWeight: bitsPerWeight(encoded),
    relativeError: relativeError(values, decoded),
    lossless: compressor.lossless,
    encodeMs,
  };
}

/** Encodes `values` with every applicable spec and orders the ones within `maxRelativeError`. */
export function planTensor(
  name: string,
  values: Float32Array,
  shape: readonly number[],
  options: {
    specs: readonly CandidateSpec[];
    maxRelativeError: number;
    minElements: number;
    rng: Rng;
    context?: EncodeContext;
  },
): TensorPlan {
  const isMatrix = shape.length === 2 && values.length >= options.minElements;
  const specs = options.specs.some((s) => s.method === 'fp32') ? options.specs : [...options.specs, FALLBACK];
  const all: TensorCandidate[] = [];
  for (const spec of specs) {
    if (spec.matricesOnly && !isMatrix) continue;
    if (!getCompressor(spec.method).accepts(values, shape, spec.settings)) continue;
    all.push(encodeCandidate(spec, values, shape, options.rng.fork(`${spec.label}:${name}`), options.context));
  }
  const sorted = all
    .filter((c) => c.lossless || c.relativeError <= options.maxRelativeError)
    .sort((a, b) => a.bytes - b.bytes || a.relativeError - b.relativeError);
  const firstLossless = sorted.findIndex((c) => c.lossless);
  return { name, shape, all, ladder: sorted.slice(0, firstLossless + 1), chosen: 0 };
}

/**
 * `--runtime onnxruntime`: the model is exported to ONNX (@agent-forge/export; a decoder with KV-cache
 * inputs and outputs) in a temporary directory and run by onnxruntime-node, one token at a time through
 * its cache, while prompts and text go through our tokenizer and the edge engine's stop rules. Greedy
 * decoding picks the argmax as ours does; sampling above temperature 0 is refused (not implemented).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ForgeError } from '@agent-forge/core';
import type { EdgeModel, GenerationSummary, StreamOptions, StreamStopReason, TokenGenerator } from '@agent-forge/edge';
import { ONNX_FILE, exportModel } from '@agent-forge/export';
import type * as OnnxRuntime from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { stopAfter, type ExternalRuntime } from './stop-rules.js';
import { importRuntimePackage } from './optional-package.js';

type Ort = typeof OnnxRuntime;

function argmaxOfLast(logits: Float32Array, rows: number, vocabSize: number): number {
  const offset = (rows - 1) * vocabSize;
  let best = 0;
  for (let i = 1; i < vocabSize; i++) if ((logits[offset + i] as number) > (logits[offset + best] as number)) best = i;
  return best;
}

/** The exported decoder's `past_key_values.<layer>.key|value` inputs, each made by `tensorOf`. */
function pastKeyValues(
  nLayers: number,
  tensorOf: (layer: number, part: 'key' | 'value') => Tensor,
): Record<string, Tensor> {
  const cache: Record<string, Tensor> = {};
  for (let layer = 0; layer < nLayers; layer++) {
    for (const part of ['key', 'value'] as const) cache[`past_key_values.${layer}.${part}`] = tensorOf(layer, part);
  }
  return cache;
}

async function generateOn(
  ort: Ort,
  session: InferenceSession,
  model: EdgeModel['model'],
  promptIds: readonly number[],
  options: StreamOptions,
  onToken: (token: number) => void,
): Promise<GenerationSummary> {
  if ((options.temperature ?? 0) > 0)
    throw new ForgeError('--runtime onnxruntime decodes greedily only (temperature 0)', { field: 'temperature' });
  const { nLayers, nHeads, dModel, vocabSize, contextLength } = model.config;
  const started = performance.now();
  const summary = {
    tokens: [] as number[],
    stopReason: 'max-new-tokens' as StreamStopReason,
    promptTokens: promptIds.length,
    prefillMs: 0,
    timeToFirstTokenMs: 0,
    stepMs: [] as number[],
  };
  if (options.maxNewTokens === 0 || options.signal?.aborted)
    return { ...summary, stopReason: options.signal?.aborted ? 'aborted' : 'max-new-tokens' };
  const int64 = (values: readonly number[]): Tensor =>
    new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
  let cache = pastKeyValues(
    nLayers,
    () => new ort.Tensor('float32', new Float32Array(0), [1, nHeads, 0, dModel / nHeads]),
  );
  let input = [...promptIds];
  let last = started;
  for (;;) {
    const past = promptIds.length + summary.tokens.length - input.length;
    const outputs = await session.run({
      input_ids: int64(input),
      attention_mask: int64(new Array<number>(past + input.length).fill(1)),
      position_ids: int64(input.map((_, i) => past + i)),
      ...cache,
    });
    const token = argmaxOfLast(outputs.logits?.data as Float32Array, input.length, vocabSize);
    const now = performance.now();
    if (summary.tokens.length === 0) summary.prefillMs = summary.timeToFirstTokenMs = now - started;
    else summary.stepMs.push(now - last);
    last = now;
    summary.tokens.push(token);
    onToken(token);
    const reason = stopAfter(token, summary.tokens.length, promptIds.length, options, contextLength);
    if (reason !== null) return { ...summary, stopReason: reason };
    cache = pastKeyValues(nLayers, (layer, part) => outputs[`present.${layer}.${part}`] as Tensor);
    input = [token];
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Exports `edgeModel` to ONNX and opens it in onnxruntime (CPU). */
export async function startOnnxRuntime(
  edgeModel: EdgeModel,
  extensions: Readonly<Record<string, unknown>>,
  threads?: number,
): Promise<ExternalRuntime> {
  const approximated = ['titan', 'bitnet'].find((name) => extensions[name] !== undefined);
  if (approximated !== undefined) {
    throw new ForgeError(
      `--runtime onnxruntime runs exact exports only; a '${approximated}' model exports as an approximation (forge export prints its measured agreement): use our runtime`,
      { field: 'runtime' },
    );
  }
  if (edgeModel.kind !== 'float') {
    throw new ForgeError(
      `--runtime onnxruntime needs a model loaded as float weights; this one is '${edgeModel.kind}' (baked models: export a persona)`,
      { field: 'runtime' },
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-onnxruntime-'));
  try {
    const outDir = path.join(dir, 'onnx');
    await exportModel(
      { model: edgeModel.model, tokenizer: edgeModel.tokenizer, extensions, name: edgeModel.id },
      { format: 'onnx', outDir, measure: false },
    );
    // Imported when asked for: onnxruntime's library is loaded only by this runtime.
    const ort = await importRuntimePackage('onnxruntime', 'onnxruntime-node', () => import('onnxruntime-node'));
    const session = await ort.InferenceSession.create(
      path.join(outDir, ONNX_FILE),
      threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 },
    );
    const generate: TokenGenerator = (ids, options, onToken) =>
      generateOn(ort, session, edgeModel.model, ids, options, onToken);
    return {
      generate,
      dispose: async () => {
        await session.release();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The runtimes `forge chat` and `forge serve` can generate with (`--runtime`): `forge` (ours, default),
 * `llama.cpp` (an exported GGUF in node-llama-cpp) and `onnxruntime` (an exported ONNX decoder in
 * onnxruntime-node).
 */
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  ModelCheckpointConfigSchema,
  parseConfig,
  readJsonFile,
} from '@agent-forge/core';
import type { EdgeEngineOptions, EdgeModel } from '@agent-forge/edge';
import { startLlamaCppRuntime } from './llama-cpp.js';
import { startOnnxRuntime } from './onnxruntime.js';

/** Names `--runtime` accepts. */
export const RUNTIME_NAMES = ['forge', 'llama.cpp', 'onnxruntime'] as const;
/** A `--runtime` name. */
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** An engine's generator and how to free it. */
export interface OpenRuntime {
  /** Passed to `new EdgeEngine(model, options)`. */
  readonly engineOptions: EdgeEngineOptions;
  /** Frees what the runtime holds (not the edge model). */
  dispose(): Promise<void>;
}

/** `config.json`'s `extensions` of a model directory. */
export async function readModelExtensions(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, CHECKPOINT_FILES.config);
  return parseConfig(ModelCheckpointConfigSchema, await readJsonFile(file), { file }).extensions;
}

/**
 * Starts `name` for `edgeModel` (loaded from `dir`). The calculator (`calculator`, default on) runs with
 * forge's generator only; asking for it with another runtime is an error.
 */
export async function openRuntime(
  name: RuntimeName,
  dir: string,
  edgeModel: EdgeModel,
  threads?: number,
  calculator?: boolean,
): Promise<OpenRuntime> {
  if (name === 'forge') return { engineOptions: { calculator: calculator ?? true }, dispose: async () => undefined };
  if (calculator) {
    throw new ForgeError(`--runtime ${name} does not run the calculator; leave out --calculator`, {
      field: 'calculator',
    });
  }
  const extensions = await readModelExtensions(dir);
  const runtime =
    name === 'llama.cpp'
      ? await startLlamaCppRuntime(edgeModel, extensions, threads)
      : await startOnnxRuntime(edgeModel, extensions, threads);
  return { engineOptions: { generate: runtime.generate }, dispose: () => runtime.dispose() };
}
